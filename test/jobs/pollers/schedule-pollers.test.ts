/**
 * Recurring polls through the real queue on both databases: one job per time slot however many
 * processes schedule, each run enqueues the next slot first, and the handlers really poll.
 */
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { createReconciler } from '../../../src/jobs/pollers/reconciler.js';
import {
  createPollerHandlers,
  POLL_RECONCILE_JOB,
  POLL_SESSIONS_JOB,
  schedulePollers,
} from '../../../src/jobs/pollers/schedule-pollers.js';
import { createSessionPoller } from '../../../src/jobs/pollers/session-poller.js';
import { readWatermark } from '../../../src/jobs/pollers/session-watermark.js';
import type { AcceleventsSandbox } from '../../../src/sandbox/accelevents/create-sandbox.js';
import { clientFor, SUMMIT, startSandbox } from '../../accelevents/sandbox-fixture.js';
import { describeEachDatabase } from '../../helpers/databases.js';
import { clearPipelineTables, fixedClock, jobsOfKind, MINUTE, queueOn, silentLogger, T0 } from './pollers-fixture.js';

let sandbox: AcceleventsSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ attendees: 2, now: () => T0 });
});
afterAll(async () => {
  await sandbox.close();
});

const config = { sessionsIntervalMs: MINUTE, reconcileIntervalMs: 15 * MINUTE };

describeEachDatabase('poller schedule', (getStore) => {
  beforeEach(async () => {
    await clearPipelineTables(getStore().db);
    await getStore().db.deleteFrom('settings').execute();
  });

  function handlersAt(clock: ReturnType<typeof fixedClock>) {
    const store = getStore();
    const queue = queueOn(store, clock);
    const common = { queue, accelevents: clientFor(sandbox), events: [SUMMIT], logger: silentLogger, now: clock.now };
    return createPollerHandlers({
      queue,
      sessions: createSessionPoller({ ...common, db: store.db }),
      reconciler: createReconciler({ ...common, db: store.db }),
      config,
      logger: silentLogger,
      now: clock.now,
    });
  }

  it('schedules one job per kind for the current slot, however many processes start', async () => {
    const clock = fixedClock(T0 + 10_000);
    const queue = queueOn(getStore(), clock);
    await Promise.all([
      schedulePollers({ queue, config, now: clock.now }),
      schedulePollers({ queue, config, now: clock.now }),
    ]);
    const sessions = await jobsOfKind(getStore().db, POLL_SESSIONS_JOB);
    const reconcile = await jobsOfKind(getStore().db, POLL_RECONCILE_JOB);
    expect(sessions.map((j) => j.dedupe_key)).toEqual([`poll.sessions:${Math.floor((T0 + 10_000) / MINUTE)}`]);
    expect(reconcile).toHaveLength(1);
    expect(sessions[0]?.run_at).toBe(T0 + 10_000);
  });

  it('an interval of 0 switches that poll off', async () => {
    const clock = fixedClock();
    const queue = queueOn(getStore(), clock);
    expect(await schedulePollers({ queue, config: { reconcileIntervalMs: 0 }, now: clock.now })).toEqual([
      POLL_SESSIONS_JOB,
    ]);
    expect(await jobsOfKind(getStore().db, POLL_RECONCILE_JOB)).toEqual([]);
  });

  /** Schedules both polls at T0 + 5 s and runs each claimed job twice, as two processes whose chains met would. */
  async function runBothPollsTwice() {
    const clock = fixedClock(T0 + 5_000);
    const queue = queueOn(getStore(), clock);
    await schedulePollers({ queue, config, now: clock.now });
    const jobs = await queue.claim('w1', { limit: 10, leaseMs: 60_000 });
    expect(jobs.map((j) => j.kind).sort()).toEqual([POLL_RECONCILE_JOB, POLL_SESSIONS_JOB]);
    const context = { signal: new AbortController().signal, workerId: 'w1' };
    for (const job of jobs) {
      // Twice, as two processes whose chains met would: the next slot is still one job.
      await handlersAt(clock)[job.kind as 'poll.sessions'](job, context);
      await handlersAt(clock)[job.kind as 'poll.sessions'](job, context);
    }
  }

  it('each run enqueues the next slot once, even when two chains merge', async () => {
    await runBothPollsTwice();
    const next = (await jobsOfKind(getStore().db, POLL_SESSIONS_JOB)).filter((j) => j.status === 'pending');
    const slot = Math.floor((T0 + 5_000) / MINUTE) + 1;
    expect(next.map((j) => [j.dedupe_key, j.run_at])).toEqual([[`poll.sessions:${slot}`, slot * MINUTE]]);
  });

  it('each run really polls', async () => {
    await runBothPollsTwice();
    // The session poll's first run starts the event's follow-ups: ended sessions are not announced.
    expect(await readWatermark(getStore().db, SUMMIT)).toEqual({ through: T0 + 5_000, active: true });
    expect(await jobsOfKind(getStore().db, 'session.ended')).toEqual([]);
    expect(await jobsOfKind(getStore().db, 'accelevents.event')).toHaveLength(2);
  });
});
