/**
 * Pickup latency at idle: a job enqueued into a worker that has found the queue empty, timed from the
 * enqueue call to its handler starting. The worker polls once a minute, so only a wake-up
 * (src/queue/job-wakeups.ts) starts it sooner: in process on SQLite, through LISTEN/NOTIFY on
 * PostgreSQL (postgres-listener.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { createLogger } from '../src/lib/create-logger.js';
import { createQueue } from '../src/queue/create-queue.js';
import { createWorker } from '../src/queue/create-worker.js';
import { startPostgresListener } from '../src/queue/postgres-listener.js';
import { openDatabase, type Store } from '../src/store/open-database.js';

export interface PickupLatency {
  samples: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Baseline measured beside it: one `select 1` round trip to the same database, p50. */
  roundTripP50Ms: number;
}

const IDLE_MS = 150;

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

async function measure(store: Store, samples: number, databaseUrl?: string): Promise<PickupLatency> {
  const logger = createLogger({ level: 'silent' });
  const queue = createQueue({ store });
  let started: ((at: number) => void) | undefined;
  const worker = createWorker({
    queue,
    handlers: { pickup: async () => started?.(performance.now()) },
    pollMs: 60_000,
    concurrency: 1,
    logger,
  });
  const listener =
    databaseUrl === undefined ? null : startPostgresListener({ databaseUrl, wakeups: queue.wakeups!, logger });
  await listener?.ready;
  worker.start();
  const latencies: number[] = [];
  const roundTrips: number[] = [];
  try {
    for (let i = 0; i < samples; i++) {
      // Long enough for the worker's claim after the last job to come back empty: it is idle.
      await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
      const trip = performance.now();
      await sql`select 1`.execute(store.db);
      roundTrips.push(performance.now() - trip);
      const ran = new Promise<number>((resolve) => {
        started = resolve;
      });
      const at = performance.now();
      await queue.enqueue({ kind: 'pickup', payload: { i } });
      const timeout = new Promise<number>((_, reject) =>
        setTimeout(
          () => reject(new Error('a job waited 30 s for an idle worker: no wake-up reached it')),
          30_000,
        ).unref(),
      );
      latencies.push((await Promise.race([ran, timeout])) - at);
    }
  } finally {
    await worker.stop({ graceMs: 1_000 });
    await listener?.close();
  }
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    samples,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.at(-1) ?? Number.NaN,
    roundTripP50Ms: percentile(
      [...roundTrips].sort((a, b) => a - b),
      50,
    ),
  };
}

export async function pickupOnSqlite(samples: number): Promise<PickupLatency> {
  const dir = await mkdtemp(join(tmpdir(), 'parley-bench-pickup-'));
  const store = await openDatabase({ dataDir: dir, logger: createLogger({ level: 'silent' }) });
  try {
    return await measure(store, samples);
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export async function pickupOnPostgres(databaseUrl: string, samples: number): Promise<PickupLatency> {
  const store = await openDatabase({ databaseUrl, logger: createLogger({ level: 'silent' }) });
  try {
    return await measure(store, samples, databaseUrl);
  } finally {
    await store.close();
  }
}
