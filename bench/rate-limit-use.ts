/**
 * Scenario: rate-limit use (target: >= 97 % of the burst ceiling, zero 429s). Three
 * clients run the same backlog of welcome flows at the same flow concurrency, at the same time, each
 * in its own process against its own sandbox process (its own location and budget, so budgets and
 * counters do not mix). The sandbox counts requests and 429s; "share of the burst ceiling used" is
 * successful calls ÷ (elapsed windows × max).
 */
import { envInt, within } from './bench-env.js';
import { forkBenchChild } from './child-process.js';
import type { RateClientInput, RateClientKind, RateClientResult } from './rate-client-process.js';
import { startRemoteSandbox } from './sandbox-admin.js';

export interface RateUseRow {
  kind: RateClientKind;
  source: string;
  flows: number;
  completed: number;
  failed: number;
  wallMs: number;
  successfulCalls: number;
  rateLimited: number;
  /** successful calls ÷ (wall time ÷ interval × max) */
  ceilingShare: number;
  firstError: string | null;
  childRssMb: number;
}

export interface RateUseResult {
  window: { max: number; intervalMs: number };
  flows: number;
  concurrency: number;
  rows: RateUseRow[];
}

const KINDS: RateClientKind[] = ['parley', 'sdk', 'naive'];

export interface RateRunOptions {
  flows: number;
  concurrency: number;
  max: number;
  intervalMs: number;
  timeoutMs: number;
  /** Extra random delay per call in every sandbox (its `latencyJitterMs` fault), 0 for none. */
  latencyJitterMs?: number;
}

/** The three clients at once, each against its own sandbox process; shared by `rate` and `jitter` (rate-jitter.ts). */
export async function runRateClients(options: RateRunOptions): Promise<RateUseRow[]> {
  const { flows, concurrency, max, intervalMs, timeoutMs } = options;
  const sandboxes = await Promise.all(
    KINDS.map(() => startRemoteSandbox({ burstLimit: max, burstIntervalMs: intervalMs, dailyLimit: 100_000_000 })),
  );
  try {
    const latencyJitterMs = options.latencyJitterMs ?? 0;
    if (latencyJitterMs > 0) {
      await Promise.all(sandboxes.map((s) => s.setFaults({ latencyJitterMs })));
    }
    return await Promise.all(
      KINDS.map(async (kind, i) => {
        const sandbox = sandboxes[i]!;
        const { locationId, token, appId } = await sandbox.newLocation(kind === 'sdk' ? 'pit' : 'oauth');
        const before = await sandbox.stats();
        const input: RateClientInput = { kind, url: sandbox.url, locationId, token, appId, flows, concurrency };
        const child = forkBenchChild<RateClientResult>('./rate-client-process.ts', input);
        try {
          const result = await within(child.first, timeoutMs, `the ${kind} client`);
          const after = await sandbox.stats();
          const rateLimited = after.rateLimited - before.rateLimited;
          const successfulCalls = after.requests - before.requests - rateLimited;
          const row: RateUseRow = {
            kind,
            source: result.source,
            flows,
            completed: result.completed,
            failed: result.failed,
            wallMs: result.wallMs,
            successfulCalls,
            rateLimited,
            ceilingShare: successfulCalls / ((result.wallMs / intervalMs) * max),
            firstError: result.firstError,
            childRssMb: result.rssMb,
          };
          return row;
        } finally {
          await child.stop();
        }
      }),
    );
  } finally {
    await Promise.all(sandboxes.map((s) => s.close()));
  }
}

export async function benchRateLimitUse(): Promise<RateUseResult> {
  const flows = envInt('BENCH_RATE_FLOWS', 3_000);
  const concurrency = envInt('BENCH_RATE_CONCURRENCY', 50);
  const max = envInt('BENCH_RATE_MAX', 100);
  const intervalMs = envInt('BENCH_RATE_INTERVAL_MS', 500);
  const timeoutMs = envInt('BENCH_RATE_TIMEOUT_S', 300) * 1000;
  const rows = await runRateClients({ flows, concurrency, max, intervalMs, timeoutMs });
  return { window: { max, intervalMs }, flows, concurrency, rows };
}
