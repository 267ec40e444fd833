/**
 * The queue contract suite, one for the SQLite and PostgreSQL adapters alike: N workers × M jobs
 * complete exactly once, a worker killed mid-job
 * loses nothing and duplicates nothing, and exhausted retries dead-letter a job that redrive revives.
 * Workers run in this process and in child processes on the same SQLite file or Postgres database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueue } from '../../src/queue/create-queue.js';
import { createWorker } from '../../src/queue/create-worker.js';
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import {
  createEffectsTable,
  effects,
  jobRow,
  recordHandler,
  resetTables,
  silentLogger,
  startChildWorker,
  waitFor,
} from './queue-world.js';

const JOBS = 400;

for (const kind of DATABASE_KINDS) {
  describe(`queue contract [${kind}]`, () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await openTestDatabase(kind);
      await createEffectsTable(database.store);
    });
    afterAll(async () => {
      await database?.dispose();
    });

    it(`runs ${JOBS} jobs exactly once across 4 workers, 2 of them in other processes`, async () => {
      const { store } = database;
      const children = [
        startChildWorker(database.location, 'child-1', 'record'),
        startChildWorker(database.location, 'child-2', 'record'),
      ];
      await Promise.all(children.map((child) => child.ready));
      const queue = createQueue({ store });
      const workers = ['parent-1', 'parent-2'].map((workerId) =>
        createWorker({
          queue,
          handlers: { record: recordHandler(store) },
          concurrency: 4,
          leaseMs: 30_000,
          pollMs: 10,
          workerId,
          logger: silentLogger,
        }),
      );
      for (const worker of workers) worker.start();

      const ids: string[] = [];
      for (let n = 0; n < JOBS; n++) {
        ids.push((await queue.enqueue({ kind: 'record', payload: { n } })).id);
      }
      await waitFor(`${JOBS} jobs done`, async () => (await queue.counts()).done === JOBS);
      await Promise.all(workers.map((worker) => worker.stop({ graceMs: 5_000 })));
      for (const child of children) child.stop();
      for (const { code, stderr } of await Promise.all(children.map((child) => child.exit))) {
        expect(stderr).toBe('');
        expect(code).toBe(0);
      }

      const rows = await effects(store);
      expect(rows).toHaveLength(JOBS);
      expect(rows.map((row) => row.job_id)).toEqual([...ids].sort());
      expect(await queue.counts()).toEqual({ pending: 0, running: 0, done: JOBS, dead: 0 });
      // The other processes really took part: the claim had to hold across processes, not just in one.
      const byChildren = rows.filter((row) => row.worker_id.startsWith('child-'));
      expect(byChildren.length).toBeGreaterThan(0);
    });

    it('completes, exactly once, the job of a worker SIGKILLed mid-job once its lease expires', async () => {
      const { store } = database;
      await resetTables(store);
      const queue = createQueue({ store });
      const { id } = await queue.enqueue({ kind: 'record', payload: { attendee: 'a-1' } });

      const doomed = startChildWorker(database.location, 'doomed', 'hang');
      await doomed.ready;
      expect(await doomed.claimed()).toBe(id);
      doomed.kill();
      expect((await doomed.exit).signal).toBe('SIGKILL');
      expect(await jobRow(store, id)).toMatchObject({ status: 'running', locked_by: 'doomed', attempts: 1 });

      // A clock one minute ahead stands in for waiting out the dead worker's 30 s lease.
      const later = createQueue({ store, now: () => Date.now() + 60_000 });
      const rescuer = createWorker({
        queue: later,
        handlers: { record: recordHandler(store) },
        pollMs: 10,
        workerId: 'rescuer',
        logger: silentLogger,
      });
      rescuer.start();
      await waitFor('the job done', async () => (await jobRow(store, id)).status === 'done');
      await rescuer.stop();

      expect(await effects(store)).toEqual([{ job_id: id, worker_id: 'rescuer' }]);
      expect(await jobRow(store, id)).toMatchObject({ status: 'done', locked_by: 'rescuer', attempts: 2 });
    });

    /** A running worker whose handler fails while `state.failing`, and a 3-attempt job it has dead-lettered. */
    async function deadLetteredJob() {
      const { store } = database;
      await resetTables(store);
      // Zero backoff: retries are due at once, so the test waits on outcomes only.
      const queue = createQueue({ store, backoff: { baseMs: 0, capMs: 0 } });
      const state = { failing: true, calls: 0 };
      const record = recordHandler(store);
      const worker = createWorker({
        queue,
        handlers: {
          record: async (job, context) => {
            state.calls += 1;
            if (state.failing) throw new Error(`HighLevel answered 503 (call ${state.calls})`);
            await record(job, context);
          },
        },
        pollMs: 10,
        workerId: 'flaky',
        logger: silentLogger,
      });
      worker.start();
      const { id } = await queue.enqueue({ kind: 'record', payload: {}, maxAttempts: 3 });
      await waitFor('the job dead-lettered', async () => (await jobRow(store, id)).status === 'dead');
      return { store, queue, worker, id, state };
    }

    it('dead-letters a job whose retries are spent', async () => {
      const { store, queue, worker, id, state } = await deadLetteredJob();
      await worker.stop();
      expect(state.calls).toBe(3);
      const [dead] = await queue.listDead();
      expect(dead).toMatchObject({
        id,
        kind: 'record',
        attempts: 3,
        maxAttempts: 3,
        lastError: 'HighLevel answered 503 (call 3)',
      });
      expect(await effects(store)).toEqual([]);
    });

    it('runs a replayed dead job to completion', async () => {
      const { store, queue, worker, id, state } = await deadLetteredJob();
      state.failing = false;
      expect(await queue.replay(id)).toBe(1);
      await waitFor('the replayed job done', async () => (await jobRow(store, id)).status === 'done');
      await worker.stop();

      expect(state.calls).toBe(4);
      expect(await effects(store)).toEqual([{ job_id: id, worker_id: 'flaky' }]);
      expect(await jobRow(store, id)).toMatchObject({ status: 'done', attempts: 1 });
      expect(await queue.listDead()).toEqual([]);
    });
  });
}
