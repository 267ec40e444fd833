/**
 * The bench's side of a sandbox in another process: start it, and use its /sandbox/* admin routes
 * (src/sandbox/highlevel/admin-routes.ts) for a fresh location, a token for it, and its counters.
 */
import { type BenchChild, forkBenchChild } from './child-process.js';
import type { SandboxProcessInput } from './sandbox-process.js';

export interface RemoteSandbox {
  url: string;
  /** A new location (seeded with one attendee) and a token for it: `pit` never expires. */
  newLocation(kind?: 'oauth' | 'pit'): Promise<{ locationId: string; token: string; appId: string }>;
  stats(): Promise<{ requests: number; rateLimited: number }>;
  /** POST /sandbox/faults, e.g. `{ latencyJitterMs: 300 }`. */
  setFaults(faults: Record<string, number>): Promise<void>;
  close(): Promise<void>;
}

async function post<T>(url: string, body: unknown): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`POST ${url} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

export async function startRemoteSandbox(limits: SandboxProcessInput): Promise<RemoteSandbox> {
  const child: BenchChild<{ url: string }> = forkBenchChild('./sandbox-process.ts', limits);
  const { url } = await child.first;
  const info = async () =>
    (await (await fetch(`${url}/sandbox/info`)).json()) as {
      appId: string;
      stats: { requests: number; rateLimited: number };
    };
  return {
    url,
    async newLocation(kind = 'oauth') {
      const { location } = await post<{ location: { id: string } }>(`${url}/sandbox/locations`, { attendees: 1 });
      const { accessToken } = await post<{ accessToken: string }>(`${url}/sandbox/tokens`, {
        locationId: location.id,
        kind,
      });
      return { locationId: location.id, token: accessToken, appId: (await info()).appId };
    },
    async stats() {
      const { stats } = await info();
      return { requests: stats.requests, rateLimited: stats.rateLimited };
    },
    async setFaults(faults) {
      await post(`${url}/sandbox/faults`, faults);
    },
    close: () => child.stop(),
  };
}
