/**
 * The worker around the queue: heartbeats that keep a long job, abort on a lost lease, non-retryable
 * and unknown-kind failures, and graceful stop. The queue clock is fake; the worker's own timers are
 * real but short, and every test waits on an outcome in the database, never on a duration.
 */
import { describe, expect, it } from 'vitest';
import { createQueue } from '../../src/queue/create-queue.js';
import { createWorker } from '../../src/queue/create-worker.js';
import { NonRetryableError } from '../../src/queue/types.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { jobRow, silentLogger, waitFor } from './queue-world.js';

function fakeClock(start = 1_700_000_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms), at: () => t };
}

function gate() {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

describeEachDatabase('worker', (getStore) => {
  it('keeps a job running past many lease lengths by heartbeating, so no other worker can claim it', async () => {
    const store = getStore();
    const clock = fakeClock();
    const queue = createQueue({ store, now: clock.now });
    const release = gate();
    const worker = createWorker({
      queue,
      handlers: { long: () => release.opened },
      leaseMs: 300,
      pollMs: 10,
      workerId: 'holder',
      kinds: ['long'],
      logger: silentLogger,
    });
    const { id } = await queue.enqueue({ kind: 'long', payload: {} });
    worker.start();
    await waitFor('the job claimed', async () => (await jobRow(store, id)).locked_by === 'holder');

    for (let round = 0; round < 5; round++) {
      // 200 ms of fake time per round: without heartbeats the 300 ms lease is gone by round 2.
      clock.advance(200);
      await waitFor(
        'a heartbeat renewing the lease',
        async () => (await jobRow(store, id)).locked_until === clock.at() + 300,
      );
      expect(await queue.claim('thief', { limit: 1, leaseMs: 300, kinds: ['long'] })).toEqual([]);
    }
    release.open();
    await waitFor('the job done', async () => (await jobRow(store, id)).status === 'done');
    await worker.stop();
    expect(await jobRow(store, id)).toMatchObject({ status: 'done', locked_by: 'holder', attempts: 1 });
  });

  it('aborts a job whose heartbeat finds it under another worker, and leaves the outcome to that worker', async () => {
    const store = getStore();
    const queue = createQueue({ store });
    let aborted: unknown;
    const worker = createWorker({
      queue,
      handlers: {
        lost: (_job, { signal }) =>
          new Promise((_resolve, reject) => {
            signal.addEventListener('abort', () => {
              aborted = signal.reason;
              reject(signal.reason);
            });
          }),
      },
      leaseMs: 300,
      pollMs: 10,
      workerId: 'old-owner',
      kinds: ['lost'],
      logger: silentLogger,
    });
    const { id } = await queue.enqueue({ kind: 'lost', payload: {} });
    worker.start();
    await waitFor('the job claimed', async () => (await jobRow(store, id)).locked_by === 'old-owner');
    // Seeded with SQL, as graphile-worker's tests do: another worker took the expired lease over.
    await store.db.updateTable('jobs').set({ locked_by: 'new-owner', attempts: 2 }).where('id', '=', id).execute();

    await waitFor('the handler aborted', () => aborted !== undefined);
    await worker.stop();
    expect(aborted).toMatchObject({ code: 'lease_lost' });
    expect(await jobRow(store, id)).toMatchObject({ status: 'running', locked_by: 'new-owner', attempts: 2 });
    await queue.complete(id, 'new-owner');
  });

  it('dead-letters at once a job whose handler throws NonRetryableError, and one of a kind nobody handles', async () => {
    const store = getStore();
    const queue = createQueue({ store });
    let calls = 0;
    const worker = createWorker({
      queue,
      handlers: {
        invalid: async () => {
          calls += 1;
          throw new NonRetryableError('attendee a-9 has neither phone nor email');
        },
      },
      pollMs: 10,
      workerId: 'strict',
      kinds: ['invalid', 'mystery'],
      logger: silentLogger,
    });
    const invalid = await queue.enqueue({ kind: 'invalid', payload: {} });
    const mystery = await queue.enqueue({ kind: 'mystery', payload: {} });
    worker.start();
    await waitFor('both dead', async () =>
      (await Promise.all([jobRow(store, invalid.id), jobRow(store, mystery.id)])).every((row) => row.status === 'dead'),
    );
    await worker.stop();
    expect(calls).toBe(1);
    expect(await jobRow(store, invalid.id)).toMatchObject({
      attempts: 1,
      last_error: 'attendee a-9 has neither phone nor email',
    });
    expect(await jobRow(store, mystery.id)).toMatchObject({
      attempts: 1,
      last_error: 'no handler for job kind "mystery"',
    });
  });

  it('retries an error that carries retryable: true and dead-letters one that carries retryable: false', async () => {
    const store = getStore();
    const queue = createQueue({ store, backoff: { baseMs: 0, capMs: 0 } });
    const calls = { soft: 0, hard: 0 };
    const worker = createWorker({
      queue,
      handlers: {
        soft: async () => {
          calls.soft += 1;
          if (calls.soft === 1) throw Object.assign(new Error('HighLevel 503'), { retryable: true });
        },
        hard: async () => {
          calls.hard += 1;
          throw Object.assign(new Error('HighLevel 422: invalid phone'), { retryable: false });
        },
      },
      pollMs: 10,
      workerId: 'classifier',
      kinds: ['soft', 'hard'],
      logger: silentLogger,
    });
    const soft = await queue.enqueue({ kind: 'soft', payload: {} });
    const hard = await queue.enqueue({ kind: 'hard', payload: {} });
    worker.start();
    await waitFor('both finished', async () => {
      const rows = await Promise.all([jobRow(store, soft.id), jobRow(store, hard.id)]);
      return rows[0]?.status === 'done' && rows[1]?.status === 'dead';
    });
    await worker.stop();
    expect(calls).toEqual({ soft: 2, hard: 1 });
  });

  it('lets a running job finish when it ends within the grace period of stop', async () => {
    const store = getStore();
    const queue = createQueue({ store });
    const release = gate();
    const started = gate();
    const worker = createWorker({
      queue,
      handlers: {
        finishing: async () => {
          started.open();
          await release.opened;
        },
      },
      pollMs: 10,
      workerId: 'graceful',
      kinds: ['finishing'],
      logger: silentLogger,
    });
    const { id } = await queue.enqueue({ kind: 'finishing', payload: {} });
    worker.start();
    await started.opened;
    const stopped = worker.stop({ graceMs: 20_000 });
    release.open();
    await stopped;
    expect(await jobRow(store, id)).toMatchObject({ status: 'done', attempts: 1 });
  });

  it('aborts a job still running when the grace period ends and leaves it pending for another attempt', async () => {
    const store = getStore();
    const queue = createQueue({ store, backoff: { baseMs: 0, capMs: 0 } });
    const started = gate();
    let sawAbort = false;
    const worker = createWorker({
      queue,
      handlers: {
        stuck: (_job, { signal }) => {
          started.open();
          return new Promise(() => {
            signal.addEventListener('abort', () => {
              sawAbort = true;
            });
          });
        },
      },
      pollMs: 10,
      workerId: 'impatient',
      kinds: ['stuck'],
      logger: silentLogger,
    });
    const { id } = await queue.enqueue({ kind: 'stuck', payload: {} });
    worker.start();
    await started.opened;
    await worker.stop({ graceMs: 0 });
    expect(sawAbort).toBe(true);
    expect(await jobRow(store, id)).toMatchObject({
      status: 'pending',
      attempts: 1,
      locked_by: null,
      last_error: 'worker impatient stopped before the job finished',
    });
    const [again] = await queue.claim('next', { limit: 1, leaseMs: 1_000, kinds: ['stuck'] });
    expect(again).toMatchObject({ id, attempts: 2 });
    await queue.complete(id, 'next');
  });

  it('lets timers run while it drains a backlog of jobs that finish without I/O', async () => {
    const store = getStore();
    const queue = createQueue({ store });
    const total = 400;
    await queue.enqueueMany(Array.from({ length: total }, (_, n) => ({ kind: 'instant', payload: { n } })));
    let processed = 0;
    const worker = createWorker({
      queue,
      handlers: { instant: async () => void processed++ },
      concurrency: 4,
      pollMs: 10,
      kinds: ['instant'],
      logger: silentLogger,
    });
    // Queued before the worker starts: it fires at the first turn of the event loop the worker allows.
    const processedWhenTimerRan = new Promise<number>((resolve) => setTimeout(() => resolve(processed), 0));
    worker.start();
    expect(await processedWhenTimerRan).toBeLessThan(total);
    await waitFor('the backlog drained', async () => processed === total);
    await worker.stop();
  });
});

describe('createWorker', () => {
  it('refuses to start without a queue or with a bad concurrency, naming the option', () => {
    expect(() => createWorker({ handlers: {} } as never)).toThrow('createWorker needs queue');
    const queue = { claim: async () => [] } as never;
    expect(() => createWorker({ queue, handlers: {}, concurrency: 0 })).toThrow(
      'createWorker: concurrency must be a positive integer; got 0',
    );
  });
});
