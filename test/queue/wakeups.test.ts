/**
 * Workers woken without polling delay (src/queue/job-wakeups.ts, postgres-listener.ts): a job enqueued
 * into an idle worker whose poll interval is a minute runs long before that minute is up, so only a
 * wake-up can have started it. On PostgreSQL the wake-up comes through LISTEN/NOTIFY, also from another
 * connection; a dropped LISTEN connection leaves polling in charge and is reconnected.
 */
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createQueue } from '../../src/queue/create-queue.js';
import { createWorker, type Worker } from '../../src/queue/create-worker.js';
import { type PostgresListener, startPostgresListener } from '../../src/queue/postgres-listener.js';
import type { Queue } from '../../src/queue/types.js';
import { openDatabase, type Store } from '../../src/store/open-database.js';
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { jobRow, silentLogger, waitFor } from './queue-world.js';

/** Far longer than any wait below: a job that runs within a test ran because it was woken. */
const POLL_MS = 120_000;
const WITHIN_MS = 15_000;

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

function startWorker(queue: Queue, options: { pollMs?: number; kinds?: string[] } = {}): Worker {
  const worker = createWorker({
    queue,
    handlers: { wake: async () => {}, other: async () => {} },
    pollMs: options.pollMs ?? POLL_MS,
    logger: silentLogger,
    ...(options.kinds ? { kinds: options.kinds } : {}),
  });
  worker.start();
  stops.push(() => worker.stop({ graceMs: 1_000 }));
  return worker;
}

function listen(database: TestDatabase, queue: Queue, reconnectMs = 50, name = 'parley-listener'): PostgresListener {
  const listener = startPostgresListener({
    databaseUrl: database.location.databaseUrl as string,
    wakeups: queue.wakeups!,
    logger: silentLogger,
    reconnect: { initialMs: reconnectMs, maxMs: reconnectMs },
    applicationName: name,
  });
  stops.push(() => listener.close());
  return listener;
}

/** Lets the worker's first claim find the queue empty, so it is waiting out its poll interval. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 200));

async function done(store: Store, id: string): Promise<void> {
  await waitFor(`job ${id} done`, async () => (await jobRow(store, id)).status === 'done', WITHIN_MS);
}

for (const kind of DATABASE_KINDS) {
  describe(`worker wake-ups [${kind}]`, () => {
    let database: TestDatabase;
    let store: Store;
    let queue: Queue;
    beforeAll(async () => {
      database = await openTestDatabase(kind);
      store = database.store;
    });
    afterAll(async () => {
      await database?.dispose();
    });

    /** A queue and an idle worker on it; on PostgreSQL with this process's LISTEN connection. */
    async function idleWorker(options: { kinds?: string[] } = {}): Promise<void> {
      queue = createQueue({ store });
      startWorker(queue, options);
      if (kind === 'postgres') await listen(database, queue).ready;
      await settle();
    }

    it('runs a job enqueued into an idle worker long before its poll interval', async () => {
      await idleWorker();
      const { id } = await queue.enqueue({ kind: 'wake', payload: {} });
      await done(store, id);
    });

    it('runs jobs enqueued together in a committed transaction, as the intake writes them', async () => {
      await idleWorker();
      const ids = await store.db.transaction().execute(async (trx) => {
        const jobs = await queue.enqueueMany(
          [
            { kind: 'wake', payload: { n: 1 } },
            { kind: 'wake', payload: { n: 2 } },
          ],
          trx,
        );
        return jobs.map((job) => job.id);
      });
      for (const id of ids) await done(store, id);
    });

    it('wakes a worker for a replayed dead job', async () => {
      await idleWorker();
      const { id } = await queue.enqueue({ kind: 'wake', payload: {}, runAt: Date.now() + 3_600_000 });
      await store.db.updateTable('jobs').set({ status: 'dead', run_at: 0 }).where('id', '=', id).execute();
      expect(await queue.replay(id)).toBe(1);
      await done(store, id);
    });

    it('leaves a job due later to its run time: a future job wakes no one', async () => {
      await idleWorker();
      const { id } = await queue.enqueue({ kind: 'wake', payload: {}, runAt: Date.now() + 3_600_000 });
      const { id: now } = await queue.enqueue({ kind: 'wake', payload: {} });
      await done(store, now);
      expect((await jobRow(store, id)).status).toBe('pending');
    });

    it('wakes only a worker that claims the job’s kind, and the one that does runs it', async () => {
      await idleWorker({ kinds: ['other'] });
      startWorker(queue, { kinds: ['wake'] });
      await settle();
      const { id } = await queue.enqueue({ kind: 'wake', payload: {} });
      await done(store, id);
    });
  });
}

describe('worker wake-ups across PostgreSQL connections', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase('postgres');
  });
  afterAll(async () => {
    await database?.dispose();
  });

  /** Ends the listener's backend from the server side, as a restart or a network cut would. */
  async function dropListener(name: string): Promise<void> {
    const { rows } = await sql<{ ended: boolean }>`
      select pg_terminate_backend(pid) as ended from pg_stat_activity
      where application_name = ${name} and datname = current_database()`.execute(database.store.db);
    expect(rows.map((row) => row.ended)).toEqual([true]);
  }

  it('wakes the worker for a job another connection enqueued, once that transaction commits', async () => {
    const queue = createQueue({ store: database.store });
    startWorker(queue);
    await listen(database, queue).ready;
    await settle();
    const other = await openDatabase({ databaseUrl: database.location.databaseUrl, logger: silentLogger });
    stops.push(() => other.close());
    const producer = createQueue({ store: other });
    const { id } = await other.db.transaction().execute((trx) => producer.enqueue({ kind: 'wake', payload: {} }, trx));
    await done(database.store, id);
  });

  it('sends no wake-up for a rolled back enqueue, and the next committed one still runs', async () => {
    const queue = createQueue({ store: database.store });
    startWorker(queue);
    await listen(database, queue).ready;
    await settle();
    const rollback = new Error('rolled back on purpose');
    await expect(
      database.store.db.transaction().execute(async (trx) => {
        await queue.enqueue({ kind: 'wake', payload: {}, dedupeKey: 'rolled-back' }, trx);
        throw rollback;
      }),
    ).rejects.toBe(rollback);
    const { id } = await queue.enqueue({ kind: 'wake', payload: {} });
    await done(database.store, id);
    expect(
      await database.store.db.selectFrom('jobs').where('dedupe_key', '=', 'rolled-back').selectAll().execute(),
    ).toEqual([]);
  });

  it('falls back to polling while the LISTEN connection is down', async () => {
    const queue = createQueue({ store: database.store });
    startWorker(queue, { pollMs: 300 });
    // Reconnecting only after a minute, so the job below can only be found by a poll.
    const listener = listen(database, queue, 60_000, 'parley-listener-down');
    await listener.ready;
    await dropListener('parley-listener-down');
    await waitFor('the listener noticing the drop', () => !listener.connected);
    const { id } = await queue.enqueue({ kind: 'wake', payload: {} });
    await done(database.store, id);
    expect(listener.connected).toBe(false);
  });

  it('reconnects a dropped LISTEN connection and runs what was enqueued while it was down', async () => {
    const queue = createQueue({ store: database.store });
    startWorker(queue);
    const listener = listen(database, queue, 200, 'parley-listener-back');
    await listener.ready;
    await settle();
    await dropListener('parley-listener-back');
    await waitFor('the listener noticing the drop', () => !listener.connected);
    // Its NOTIFY reaches no one: the wake-up after the reconnect is what runs it.
    const { id: missed } = await queue.enqueue({ kind: 'wake', payload: {} });
    await done(database.store, missed);
    await waitFor('the listener back', () => listener.connected);
    await settle();
    const { id: next } = await queue.enqueue({ kind: 'wake', payload: {} });
    await done(database.store, next);
  });
});
