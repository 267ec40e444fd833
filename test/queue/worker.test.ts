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

  it('aborts, leaving its row to the new owner, a job whose heartbeat finds it under another worker', async () => {
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

  /** Runs one job of `kind` on a worker for kinds invalid and mystery, whose invalid handler throws NonRetryableError. */
  async function runOnStrictWorker(kind: 'invalid' | 'mystery') {
    const store = getStore();
    const queue = createQueue({ store });
    const state = { calls: 0 };
    const worker = createWorker({
      queue,
      handlers: {
        invalid: async () => {
          state.calls += 1;
          throw new NonRetryableError('attendee a-9 has neither phone nor email');
        },
      },
      pollMs: 10,
      workerId: 'strict',
      kinds: ['invalid', 'mystery'],
      logger: silentLogger,
    });
    const { id } = await queue.enqueue({ kind, payload: {} });
    worker.start();
    await waitFor('the job dead', async () => (await jobRow(store, id)).status === 'dead');
    await worker.stop();
    return { row: await jobRow(store, id), calls: state.calls };
  }

  it('dead-letters at once a job whose handler throws NonRetryableError', async () => {
    const { row, calls } = await runOnStrictWorker('invalid');
    expect(calls).toBe(1);
    expect(row).toMatchObject({
      attempts: 1,
      last_error: 'attendee a-9 has neither phone nor email',
    });
  });

  it('dead-letters at once a job of a kind nobody handles', async () => {
    const { row } = await runOnStrictWorker('mystery');
    expect(row).toMatchObject({
      attempts: 1,
      last_error: 'no handler for job kind "mystery"',
    });
  });

  /** Runs one job of `kind` on a worker whose soft handler fails retryably once and whose hard one always fails for good. */
  async function runClassified(kind: 'soft' | 'hard') {
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
    const { id } = await queue.enqueue({ kind, payload: {} });
    worker.start();
    const finished = kind === 'soft' ? 'done' : 'dead';
    await waitFor(`the job ${finished}`, async () => (await jobRow(store, id)).status === finished);
    await worker.stop();
    return calls;
  }

  it('retries an error that carries retryable: true', async () => {
    expect((await runClassified('soft')).soft).toBe(2);
  });

  it('dead-letters an error that carries retryable: false', async () => {
    expect((await runClassified('hard')).hard).toBe(1);
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

  /** A job of `kind` that never ends on its own, still running when its worker stops with no grace period. */
  async function stoppedMidJob(kind: string) {
    const store = getStore();
    const queue = createQueue({ store, backoff: { baseMs: 0, capMs: 0 } });
    const started = gate();
    let sawAbort = false;
    const worker = createWorker({
      queue,
      handlers: {
        [kind]: (_job, { signal }) => {
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
      kinds: [kind],
      logger: silentLogger,
    });
    const { id } = await queue.enqueue({ kind, payload: {} });
    worker.start();
    await started.opened;
    await worker.stop({ graceMs: 0 });
    return { store, queue, id, sawAbort };
  }

  it('aborts a job still running when the grace period ends', async () => {
    const { sawAbort } = await stoppedMidJob('stuck');
    expect(sawAbort).toBe(true);
  });

  it('leaves a job aborted at the end of the grace period pending for another attempt', async () => {
    const { store, queue, id } = await stoppedMidJob('stuck-again');
    expect(await jobRow(store, id)).toMatchObject({
      status: 'pending',
      attempts: 1,
      locked_by: null,
      last_error: 'worker impatient stopped before the job finished',
    });
    const [again] = await queue.claim('next', { limit: 1, leaseMs: 1_000, kinds: ['stuck-again'] });
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
