/**
 * Child process of the memory scenario (bench/memory-backlog.ts): opens a fresh SQLite store, reports
 * its RSS empty (the baseline), enqueues the backlog in batches through the queue's own enqueueMany,
 * then runs a real worker with a handler that does nothing for a fixed time while sampling RSS. Its
 * own process, so nothing else the bench holds in memory is counted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { silentLogger } from '../src/lib/create-logger.js';
import { createQueue } from '../src/queue/create-queue.js';
import { createWorker } from '../src/queue/create-worker.js';
import { openDatabase } from '../src/store/open-database.js';
import { rssMb } from './bench-env.js';
import { benchInput } from './child-process.js';

interface Input {
  jobs: number;
  workSeconds: number;
}

const BATCH = 1_000;
const { jobs, workSeconds } = benchInput<Input>();
// The store and queue alone, not the composition root (src/app/open-store-runtime.ts): the figure is
// what a backlog costs the queue, and the root's config parsing (zod) adds about 13 MB at load.
const logger = silentLogger();
const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-memory-'));
const store = await openDatabase({ dataDir, logger });
try {
  const queue = createQueue({ store });
  globalThis.gc?.();
  const emptyRssMb = rssMb();
  let peakRssMb = emptyRssMb;
  const sample = setInterval(() => {
    peakRssMb = Math.max(peakRssMb, rssMb());
  }, 50);

  const seedStart = performance.now();
  for (let done = 0; done < jobs; done += BATCH) {
    const inputs = Array.from({ length: Math.min(BATCH, jobs - done) }, (_, i) => ({
      kind: 'bench.noop',
      payload: { inboxId: `bench-${done + i}` },
      priority: 20,
      dedupeKey: `bench:${done + i}`,
    }));
    await store.db.transaction().execute((trx) => queue.enqueueMany(inputs, trx));
    peakRssMb = Math.max(peakRssMb, rssMb());
  }
  const seedSeconds = (performance.now() - seedStart) / 1000;
  const backlogRssMb = rssMb();
  const enqueuePeakRssMb = peakRssMb;
  peakRssMb = backlogRssMb;

  let processed = 0;
  const worker = createWorker({
    queue,
    handlers: { 'bench.noop': async () => void processed++ },
    concurrency: 8,
    pollMs: 50,
    logger,
  });
  worker.start();
  await new Promise((resolve) => setTimeout(resolve, workSeconds * 1000));
  await worker.stop({ graceMs: 5_000 });
  clearInterval(sample);
  const counts = await queue.counts();
  process.send?.({
    jobs,
    seedSeconds,
    emptyRssMb,
    backlogRssMb,
    enqueuePeakRssMb,
    workPeakRssMb: Math.max(peakRssMb, rssMb()),
    peakRssMb: Math.max(enqueuePeakRssMb, peakRssMb, rssMb()),
    processed,
    pendingAfter: counts.pending,
  });
} finally {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
}
