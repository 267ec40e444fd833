/**
 * The session-ended poller against the Accelevents sandbox over real HTTP, on both databases. The
 * sandbox lays each event's sessions around its clock: ended 2 h and 1 h ago, running (ends in 30 min),
 * upcoming in 1 h and in 24 h (src/sandbox/accelevents/sample-events.ts).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSessionPoller } from '../../src/pipeline/pollers/session-poller.js';
import type { AcceleventsSandbox } from '../../src/sandbox/accelevents/create-sandbox.js';
import { clientFor, SUMMIT, startSandbox } from '../accelevents/sandbox-fixture.js';
import { describeEachDatabase } from '../helpers/databases.js';
import {
  clearPipelineTables,
  fixedClock,
  HOUR,
  jobsOfKind,
  MINUTE,
  queueOn,
  silentLogger,
  T0,
} from './pollers-fixture.js';

let sandbox: AcceleventsSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ attendees: 2, now: () => T0 });
});
afterAll(async () => {
  await sandbox.close();
});

describeEachDatabase('session poller', (getStore) => {
  beforeEach(async () => {
    await clearPipelineTables(getStore().db);
  });

  function poller(clock = fixedClock()) {
    return createSessionPoller({
      queue: queueOn(getStore(), clock),
      accelevents: clientFor(sandbox),
      events: [SUMMIT],
      logger: silentLogger,
      now: clock.now,
    });
  }

  it('announces each ended session once across two polls and two poller instances, and no running or upcoming one', async () => {
    const first = await poller().pollOnce();
    expect(first.sessions).toBe(5);
    expect(first.announced.map((a) => a.sessionId)).toEqual(['10101', '10102']);
    const again = await poller().pollOnce();
    const [a, b] = await Promise.all([poller().pollOnce(), poller().pollOnce()]);
    expect([again.announced, a.announced, b.announced]).toEqual([[], [], []]);
    expect(again.alreadyAnnounced).toBe(2);

    const jobs = await jobsOfKind(getStore().db, 'session.ended');
    expect(jobs.map((j) => j.dedupe_key)).toEqual([`session-ended:${SUMMIT}:10101`, `session-ended:${SUMMIT}:10102`]);
    expect(jobs[0]?.payload).toMatchObject({
      eventUrl: SUMMIT,
      event: { key: SUMMIT, name: 'Parley Spring Summit 2026', timeZone: 'America/New_York' },
      session: { id: '10101', title: 'Opening keynote', endsAt: T0 - 2 * HOUR, endTime: '2026/05/04 08:00' },
    });
    expect(jobs[0]?.priority).toBe(20);
  });

  it('announces the running session once its end time has passed, and only it', async () => {
    const clock = fixedClock();
    await poller(clock).pollOnce();
    clock.set(T0 + 29 * MINUTE);
    expect((await poller(clock).pollOnce()).announced).toEqual([]);
    clock.set(T0 + 30 * MINUTE);
    const report = await poller(clock).pollOnce();
    expect(report.announced.map((a) => a.sessionId)).toEqual(['10103']);
    expect(await jobsOfKind(getStore().db, 'session.ended')).toHaveLength(3);
  });

  it('does not announce sessions that ended longer ago than maxAgeMs', async () => {
    const clock = fixedClock();
    const report = await createSessionPoller({
      queue: queueOn(getStore(), clock),
      accelevents: clientFor(sandbox),
      events: [SUMMIT],
      logger: silentLogger,
      now: clock.now,
      maxAgeMs: 90 * MINUTE,
    }).pollOnce();
    expect(report.announced.map((a) => a.sessionId)).toEqual(['10102']);
  });
});

describe('createSessionPoller', () => {
  it('refuses to start without its collaborators or with a bad events list, naming the field', () => {
    expect(() => createSessionPoller({ events: [SUMMIT] } as never)).toThrow(/deps\.queue is required/);
    expect(() =>
      createSessionPoller({ queue: {}, accelevents: {}, logger: silentLogger, events: [''] } as never),
    ).toThrow(/events must be a list of Accelevents event URLs/);
  });
});
