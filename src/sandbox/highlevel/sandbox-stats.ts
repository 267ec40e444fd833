/** Counters the sandbox keeps so tests and benchmarks can assert on what happened (no timing involved). */

export interface FaultCounters {
  error: number;
  latency: number;
  timeout: number;
  reset: number;
}

export interface SandboxStats {
  /** Requests to API and OAuth routes (not /sandbox/*), counted before faults apply. */
  requests: number;
  /** Requests answered 429. */
  rateLimited: number;
  /** Successful grants by type: authorization_code, refresh_token, location_token. */
  tokenGrants: Record<string, number>;
  /** Token requests refused with invalid_grant, by grant type. */
  tokenGrantsRejected: Record<string, number>;
  faultsInjected: FaultCounters;
}

export function createSandboxStats(): SandboxStats {
  return {
    requests: 0,
    rateLimited: 0,
    tokenGrants: {},
    tokenGrantsRejected: {},
    faultsInjected: { error: 0, latency: 0, timeout: 0, reset: 0 },
  };
}

export function countInto(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}
