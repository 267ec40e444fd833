/**
 * The Queue's own behaviour, driven directly with a fake clock: claim order, dedupe, transactional
 * enqueue, backoff, dead letters, and the lease guard on complete/fail/heartbeat. Each test uses its
 * own job kind and claims only that kind, so tests sharing a database never see each other's jobs.
 */
import { describe, expect, it } from 'vitest';
import { PRIORITY } from '../../src/lib/priority-lanes.js';
import { createBackoff } from '../../src/queue/backoff.js';
import { LEASE_EXPIRED_ON_LAST_ATTEMPT } from '../../src/queue/claim-jobs.js';
import { createQueue } from '../../src/queue/create-queue.js';
import { QueueError } from '../../src/queue/queue-error.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { jobRow } from './queue-world.js';

const LEASE = 1_000;

function fakeClock(start = 1_700_000_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms), at: () => t };
}

async function thrown(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describeEachDatabase('queue', (getStore) => {
  /** One job of kind `many-<tag>`, then a batch of three whose middle one repeats its dedupe key. */
  async function batchAfterOne(tag: string) {
    const clock = fakeClock();
    const queue = createQueue({ store: getStore(), now: clock.now });
    const kind = `many-${tag}`;
    const first = await queue.enqueue({ kind, payload: { n: 0 }, dedupeKey: `many-${tag}:0` });
    const batch = await queue.enqueueMany([
      { kind, payload: { n: 1 }, dedupeKey: `many-${tag}:1` },
      { kind, payload: { n: 0 }, dedupeKey: `many-${tag}:0` },
      { kind, payload: { n: 2 } },
    ]);
    return { queue, kind, first, batch };
  }

  it('enqueueMany answers a batch in input order, an existing dedupe key with the first job', async () => {
    const { first, batch } = await batchAfterOne('answers');
    expect(batch.map((r) => r.created)).toEqual([true, false, true]);
    expect(batch[1]?.id).toBe(first.id);
  });

  it('enqueueMany writes each new job of a batch once', async () => {
    const { queue, kind } = await batchAfterOne('writes');
    const claimed = await queue.claim('w', { limit: 10, leaseMs: LEASE, kinds: [kind] });
    expect(claimed.map((job) => (job.payload as { n: number }).n).sort()).toEqual([0, 1, 2]);
  });

  it('enqueueMany answers an empty batch with an empty list', async () => {
    const queue = createQueue({ store: getStore() });
    expect(await queue.enqueueMany([])).toEqual([]);
  });

  it('enqueueMany refuses a dedupe key twice in one batch', async () => {
    const queue = createQueue({ store: getStore() });
    const error = await thrown(
      queue.enqueueMany([
        { kind: 'many-test', payload: {}, dedupeKey: 'many:dup' },
        { kind: 'many-test', payload: {}, dedupeKey: 'many:dup' },
      ]),
    );
    expect(error).toBeInstanceOf(QueueError);
    expect((error as QueueError).message).toMatch(/share a dedupeKey/);
  });

  it('claims a welcome-lane job enqueued after backfill jobs first, then the rest by run_at', async () => {
    const clock = fakeClock();
    const queue = createQueue({ store: getStore(), now: clock.now });
    const kinds = ['order-test'];
    const early = await queue.enqueue({ kind: 'order-test', payload: { n: 1 }, priority: PRIORITY.backfill });
    clock.advance(1);
    const late = await queue.enqueue({ kind: 'order-test', payload: { n: 2 }, priority: PRIORITY.backfill });
    clock.advance(1);
    const welcome = await queue.enqueue({ kind: 'order-test', payload: { n: 3 }, priority: PRIORITY.welcome });
    clock.advance(1);
    const agent = await queue.enqueue({ kind: 'order-test', payload: { n: 4 }, priority: PRIORITY.agent });

    const first = await queue.claim('w', { limit: 2, leaseMs: LEASE, kinds });
    expect(first.map((job) => job.id)).toEqual([agent.id, welcome.id]);
    const rest = await queue.claim('w', { limit: 10, leaseMs: LEASE, kinds });
    expect(rest.map((job) => job.id)).toEqual([early.id, late.id]);
    expect(rest[0]).toMatchObject({
      kind: 'order-test',
      payload: { n: 1 },
      priority: 30,
      attempts: 1,
      maxAttempts: 10,
    });
  });

  it('does not claim a job before its run_at', async () => {
    const clock = fakeClock();
    const queue = createQueue({ store: getStore(), now: clock.now });
    const { id } = await queue.enqueue({ kind: 'delayed', payload: {}, runAt: clock.at() + 5_000 });
    expect(await queue.claim('w', { limit: 1, leaseMs: LEASE, kinds: ['delayed'] })).toEqual([]);
    clock.advance(5_000);
    expect((await queue.claim('w', { limit: 1, leaseMs: LEASE, kinds: ['delayed'] })).map((j) => j.id)).toEqual([id]);
  });

  it('returns the first job id with created: false when the dedupeKey is enqueued again', async () => {
    const store = getStore();
    const queue = createQueue({ store });
    const first = await queue.enqueue({ kind: 'dedupe', payload: { v: 1 }, dedupeKey: 'accelevents:order-77' });
    const second = await queue.enqueue({ kind: 'dedupe', payload: { v: 2 }, dedupeKey: 'accelevents:order-77' });
    expect(first.created).toBe(true);
    expect(second).toEqual({ id: first.id, created: false });
    const rows = await store.db.selectFrom('jobs').select('payload').where('kind', '=', 'dedupe').execute();
    expect(rows).toEqual([{ payload: '{"v":1}' }]);
  });

  it('leaves no job behind when the transaction it was enqueued in rolls back', async () => {
    const store = getStore();
    const queue = createQueue({ store });
    const rollback = new Error('inbox insert failed');
    const error = await thrown(
      store.db.transaction().execute(async (trx) => {
        await queue.enqueue({ kind: 'in-trx', payload: {}, dedupeKey: 'trx-rolled-back' }, trx);
        throw rollback;
      }),
    );
    expect(error).toBe(rollback);
    const rows = await store.db.selectFrom('jobs').select('id').where('dedupe_key', '=', 'trx-rolled-back').execute();
    expect(rows).toEqual([]);
  });

  it('keeps a job enqueued in a transaction that commits', async () => {
    const store = getStore();
    const queue = createQueue({ store });
    const committed = await store.db
      .transaction()
      .execute((trx) => queue.enqueue({ kind: 'in-trx', payload: {}, dedupeKey: 'trx-committed' }, trx));
    const rows = await store.db.selectFrom('jobs').select(['id', 'dedupe_key']).where('kind', '=', 'in-trx').execute();
    expect(rows).toEqual([{ id: committed.id, dedupe_key: 'trx-committed' }]);
  });

  /** A job of `kind` with 7 attempts, failed retryably on each; the delays before each retry and every outcome. */
  async function failSevenTimes(kind: string) {
    const clock = fakeClock();
    const queue = createQueue({
      store: getStore(),
      now: clock.now,
      random: () => 0.5,
      backoff: { baseMs: 1_000, capMs: 10_000 },
    });
    const { id } = await queue.enqueue({ kind, payload: {}, maxAttempts: 7 });
    const delays: number[] = [];
    const outcomes: string[] = [];
    for (let attempt = 1; attempt <= 7; attempt++) {
      const [job] = await queue.claim('w', { limit: 1, leaseMs: LEASE, kinds: [kind] });
      expect(job?.attempts).toBe(attempt);
      outcomes.push(await queue.fail(id, 'w', new Error(`attempt ${attempt} failed`), { retryable: true }));
      const row = await jobRow(getStore(), id);
      if (row.status === 'pending') {
        delays.push(row.run_at - clock.at());
        clock.advance(row.run_at - clock.at());
      }
    }
    return { id, delays, outcomes };
  }

  it('backs off exponentially, capped, with the jitter draw scaling the delay', async () => {
    const { delays } = await failSevenTimes('backoff');
    expect(delays).toEqual([500, 1_000, 2_000, 4_000, 5_000, 5_000]);
  });

  it('dead-letters a job on its last attempt', async () => {
    const { id, outcomes } = await failSevenTimes('backoff-last');
    expect(outcomes).toEqual(['retry', 'retry', 'retry', 'retry', 'retry', 'retry', 'dead']);
    const row = await jobRow(getStore(), id);
    expect(row).toMatchObject({ status: 'dead', attempts: 7, last_error: 'attempt 7 failed', locked_until: null });
  });

  /** A job of `kind` failed once, not retryably, with a 5,000-character message; what fail answered and the dead job. */
  async function failForGood(kind: string) {
    const clock = fakeClock();
    const queue = createQueue({ store: getStore(), now: clock.now });
    const { id } = await queue.enqueue({ kind, payload: {} });
    await queue.claim('w', { limit: 1, leaseMs: LEASE, kinds: [kind] });
    const outcome = await queue.fail(id, 'w', new Error('x'.repeat(5_000)), { retryable: false });
    const [dead] = (await queue.listDead({ limit: 1_000 })).filter((job) => job.id === id);
    return { id, clock, outcome, dead };
  }

  it('dead-letters at once when the failure is not retryable', async () => {
    const { id, clock, outcome, dead } = await failForGood('final');
    expect(outcome).toBe('dead');
    expect(dead).toMatchObject({ id, attempts: 1, finishedAt: clock.at() });
  });

  it('stores the message of a failure truncated to 1,000 characters', async () => {
    const { dead } = await failForGood('final-message');
    expect(dead?.lastError).toHaveLength(1_000);
  });

  it('refuses every call from a worker whose lease another worker took over', async () => {
    const clock = fakeClock();
    const queue = createQueue({ store: getStore(), now: clock.now });
    const { id } = await queue.enqueue({ kind: 'takeover', payload: {} });
    await queue.claim('first', { limit: 1, leaseMs: LEASE, kinds: ['takeover'] });
    expect(await queue.heartbeat(id, 'first', LEASE)).toBe(true);
    clock.advance(LEASE + 1);
    const [stolen] = await queue.claim('second', { limit: 1, leaseMs: LEASE, kinds: ['takeover'] });
    expect(stolen).toMatchObject({ id, attempts: 2 });

    expect(await queue.heartbeat(id, 'first', LEASE)).toBe(false);
    expect(await thrown(queue.complete(id, 'first'))).toMatchObject({ code: 'lease_lost' });
    const error = await thrown(queue.fail(id, 'first', new Error('boom'), { retryable: true }));
    expect(error).toBeInstanceOf(QueueError);
    expect(error).toMatchObject({ code: 'lease_lost' });
    await queue.complete(id, 'second');
    expect(await jobRow(getStore(), id)).toMatchObject({ status: 'done', locked_by: 'second', attempts: 2 });
  });

  it('dead-letters a job whose lease ran out on its last attempt instead of running it again', async () => {
    const clock = fakeClock();
    const queue = createQueue({ store: getStore(), now: clock.now });
    const { id } = await queue.enqueue({ kind: 'crashy', payload: {}, maxAttempts: 1 });
    await queue.claim('crashed', { limit: 1, leaseMs: LEASE, kinds: ['crashy'] });
    clock.advance(LEASE + 1);
    expect(await queue.claim('next', { limit: 1, leaseMs: LEASE, kinds: ['crashy'] })).toEqual([]);
    expect(await jobRow(getStore(), id)).toMatchObject({
      status: 'dead',
      attempts: 1,
      last_error: LEASE_EXPIRED_ON_LAST_ATTEMPT,
    });
  });

  /** Three jobs of `kind`, each dead after one failure, and the counts from before them. */
  async function threeDeadJobs(kind: string) {
    const clock = fakeClock();
    const queue = createQueue({ store: getStore(), now: clock.now });
    const before = await queue.counts();
    const ids: string[] = [];
    for (let n = 0; n < 3; n++) {
      const { id } = await queue.enqueue({ kind, payload: { n } });
      await queue.claim('w', { limit: 1, leaseMs: LEASE, kinds: [kind] });
      await queue.fail(id, 'w', new Error('gone'), { retryable: false });
      ids.push(id);
    }
    return { queue, before, ids };
  }

  it('counts jobs by status', async () => {
    const { queue, before } = await threeDeadJobs('replay-count');
    expect((await queue.counts()).dead).toBe(before.dead + 3);
  });

  it('replays one dead job, once, with its attempts reset', async () => {
    const { queue, ids } = await threeDeadJobs('replay-one');
    expect(await queue.replay(ids[0])).toBe(1);
    expect(await queue.replay(ids[0])).toBe(0);
    expect(await jobRow(getStore(), ids[0] ?? '')).toMatchObject({ status: 'pending', attempts: 0, locked_by: null });
  });

  it('replays every dead job at once', async () => {
    const { queue, before, ids } = await threeDeadJobs('replay-all');
    await queue.replay(ids[0]);
    expect(await queue.replay()).toBe(before.dead + 2);
    const after = await queue.counts();
    expect(after.dead).toBe(0);
    expect(after.pending).toBe(before.pending + before.dead + 3);
  });

  it('rejects a bad enqueue, naming the field with what was expected', async () => {
    const queue = createQueue({ store: getStore() });
    await expect(queue.enqueue({ kind: '', payload: {} })).rejects.toThrow(
      'enqueue: kind must be a non-empty string; got ""',
    );
    await expect(queue.enqueue({ kind: 'k', payload: {}, maxAttempts: 0 })).rejects.toThrow(
      'enqueue: maxAttempts must be an integer ≥ 1; got 0',
    );
    await expect(queue.enqueue({ kind: 'k', payload: 10n })).rejects.toThrow('payload must be JSON-serialisable');
    await expect(queue.claim('w', { limit: 0, leaseMs: LEASE })).rejects.toThrow('limit must be a positive integer');
  });
});

describe('backoff', () => {
  it('never exceeds the exponential ceiling or the cap, whatever the jitter draws', () => {
    const backoff = createBackoff({ baseMs: 100, capMs: 3_000 });
    for (let attempts = 1; attempts <= 60; attempts++) {
      const ceiling = Math.min(3_000, 100 * 2 ** (attempts - 1));
      for (let draw = 0; draw < 50; draw++) {
        const delay = backoff.delayMs(attempts);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(ceiling);
      }
    }
  });

  it('refuses a cap below the base', () => {
    expect(() => createBackoff({ baseMs: 1_000, capMs: 10 })).toThrow(
      'backoff.capMs must be a number ≥ baseMs (1000); got 10',
    );
  });
});
