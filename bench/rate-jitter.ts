/**
 * Scenario `jitter` (targets: parley 0 × 429 and >= 95 % of the burst ceiling): the `rate` scenario's
 * three clients (rate-limit-use.ts), with every sandbox call delayed by a uniform random 0..N ms
 * (the sandbox's `latencyJitterMs` fault) and a CPU-bound process (`yes`, output to /dev/null)
 * competing for the cores the whole time, so answers come back late, out of order, and to a slowed
 * event loop. The window is HighLevel's own 100 per 10 s: with up to 300 ms on every call no client
 * can open a window sooner than its first call's delay after the last one closed, so a short window
 * would measure the delay, not the pacing.
 */
import { spawn } from 'node:child_process';
import { envInt, fmt } from './bench-env.js';
import { type RateUseRow, runRateClients } from './rate-limit-use.js';

export interface RateJitterResult {
  window: { max: number; intervalMs: number };
  latencyJitterMs: number;
  cpuHog: string;
  flows: number;
  concurrency: number;
  rows: RateUseRow[];
}

export async function benchRateJitter(): Promise<RateJitterResult> {
  // 110 flows x 5 calls fill about 5.5 windows of 100: with the sandbox's own limits, ~1 minute.
  const flows = envInt('BENCH_JITTER_FLOWS', 110);
  const concurrency = envInt('BENCH_JITTER_CONCURRENCY', 50);
  const max = envInt('BENCH_JITTER_MAX', 100);
  const intervalMs = envInt('BENCH_JITTER_INTERVAL_MS', 10_000);
  const latencyJitterMs = envInt('BENCH_JITTER_MS', 300, 0);
  const timeoutMs = envInt('BENCH_JITTER_TIMEOUT_S', 240) * 1000;

  const hog = spawn('yes', [], { stdio: ['ignore', 'ignore', 'ignore'] });
  try {
    const rows = await runRateClients({ flows, concurrency, max, intervalMs, timeoutMs, latencyJitterMs });
    return {
      window: { max, intervalMs },
      latencyJitterMs,
      cpuHog: 'yes > /dev/null',
      flows,
      concurrency,
      rows,
    };
  } finally {
    hog.kill();
  }
}

const pct = (x: number) => `${fmt(x * 100, 1)} %`;

export function printRateJitter(r: RateJitterResult): void {
  const { max, intervalMs } = r.window;
  console.log(
    `\n[jitter] rate-limit use under jitter and load: ${fmt(r.flows)} welcome flows per client, ${r.concurrency} in flight, window ${max} per ${fmt(intervalMs)} ms` +
      `\n      (each sandbox call delayed by a uniform 0-${fmt(r.latencyJitterMs)} ms; ${r.cpuHog} running throughout)`,
  );
  for (const row of r.rows) {
    const targets = row.kind === 'parley' ? ' (target ≥ 95 %, 0 × 429)' : '';
    console.log(
      `  ${row.kind.padEnd(6)} wall ${fmt(row.wallMs / 1000, 1)} s, flows ${fmt(row.completed)} done / ${fmt(row.failed)} failed, ` +
        `ok calls ${fmt(row.successfulCalls)}, share of ceiling ${pct(row.ceilingShare)}, 429s ${fmt(row.rateLimited)}${targets}`,
    );
  }
  for (const row of r.rows) {
    console.log(`  ${row.kind}: ${row.source}${row.firstError ? `; first error: ${row.firstError}` : ''}`);
  }
}
