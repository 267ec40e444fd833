/**
 * A queue worker in its own process, for the contract suite: the second process on the same SQLite
 * file or Postgres database, and the worker that gets SIGKILLed mid-job.
 *
 * Env: DATA_DIR or DATABASE_URL (which database), WORKER_ID, MODE (`record`: each `record` job
 * inserts its id into queue_test_effects; `hang`: print `claimed <id>` and never finish).
 * Prints `ready` once polling; stops gracefully and exits 0 when stdin says `stop`.
 */
import { sql } from 'kysely';
import { createLogger } from '../../src/lib/create-logger.js';
import { createQueue } from '../../src/queue/create-queue.js';
import { createWorker } from '../../src/queue/create-worker.js';
import type { JobHandler } from '../../src/queue/types.js';
import { openDatabase } from '../../src/store/open-database.js';

const workerId = process.env.WORKER_ID ?? 'child';
const mode = process.env.MODE ?? 'record';
const logger = createLogger({ level: 'silent' });
const store = await openDatabase({
  dataDir: process.env.DATA_DIR,
  databaseUrl: process.env.DATABASE_URL,
  logger,
  migrate: false,
});

const record: JobHandler = async (job, { workerId: by }) => {
  if (mode === 'hang') {
    process.stdout.write(`claimed ${job.id}\n`);
    await new Promise(() => {});
  }
  await sql`insert into queue_test_effects (job_id, worker_id) values (${job.id}, ${by})`.execute(store.db);
};

const worker = createWorker({
  queue: createQueue({ store }),
  handlers: { record },
  concurrency: 4,
  leaseMs: 30_000,
  pollMs: 10,
  workerId,
  logger,
});
worker.start();
process.stdout.write('ready\n');

process.stdin.on('data', (chunk: Buffer) => {
  if (!chunk.toString().includes('stop')) return;
  void worker
    .stop({ graceMs: 5_000 })
    .then(() => store.close())
    .then(() => process.exit(0));
});
