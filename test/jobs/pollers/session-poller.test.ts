/**
 * The session-ended poller against the Accelevents sandbox over real HTTP, on both databases. The
 * sandbox lays each event's sessions around its clock T0 (2026-05-04 14:00 UTC, 10:00 in New York):
 * ended 2 h and 1 h ago, running until T0+30 min, upcoming until T0+2 h and T0+24 h 45 min
 * (src/sandbox/accelevents/sample-events.ts). Follow-ups start at the first poll: what ended before
 * it is never announced.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSessionPoller, type SessionPollerDeps } from '../../../src/jobs/pollers/session-poller.js';
import { readWatermark } from '../../../src/jobs/pollers/session-watermark.js';
import type { AcceleventsSandbox } from '../../../src/sandbox/accelevents/create-sandbox.js';
import { setWorkflowEnabled } from '../../../src/workflows/workflow-switches.js';
import { clientFor, SPONSOR_DAY, SUMMIT, startSandbox } from '../../accelevents/sandbox-fixture.js';
import { describeEachDatabase } from '../../helpers/databases.js';
import { definitionFrom } from '../../workflows/workflow-fixture.js';
import {
  type Clock,
  clearPipelineTables,
  fixedClock,
  HOUR,
  jobsOfKind,
  MINUTE,
  queueOn,
  silentLogger,
  T0,
} from './pollers-fixture.js';

/** Ids of the summit's sample sessions (event 101): the running one and the next upcoming one. */
const RUNNING = '10103';
const MEETUP = '10104';

const FOLLOW_UP = definitionFrom(`
name: session-highlights
trigger: session.ended
steps:
  - id: contact
    action: contacts.upsert
    with: { email: "{{ attendee.email }}" }
`);

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
    await getStore().db.deleteFrom('settings').execute();
  });

  function poller(clock: Clock, extra: Partial<SessionPollerDeps> = {}) {
    return createSessionPoller({
      queue: queueOn(getStore(), clock),
      accelevents: clientFor(sandbox),
      db: getStore().db,
      events: [SUMMIT],
      logger: silentLogger,
      now: clock.now,
      ...extra,
    });
  }

  const announced = async () =>
    (await jobsOfKind(getStore().db, 'session.ended')).map((j) => j.dedupe_key?.split(':').at(-1));

  it('announces nothing at the first poll, though two sessions have already ended', async () => {
    const report = await poller(fixedClock()).pollOnce();
    expect(report).toMatchObject({ active: true, started: [SUMMIT], announced: [] });
    expect(await jobsOfKind(getStore().db, 'session.ended')).toEqual([]);
    expect(await readWatermark(getStore().db, SUMMIT)).toEqual({ through: T0, active: true });
  });

  it('announces a session that ends after the first poll exactly once, even to concurrent pollers', async () => {
    const clock = fixedClock();
    await poller(clock).pollOnce();
    clock.set(T0 + 29 * MINUTE);
    expect((await poller(clock).pollOnce()).announced).toEqual([]);
    clock.set(T0 + 30 * MINUTE);
    const report = await poller(clock).pollOnce();
    expect(report.announced.map((a) => a.sessionId)).toEqual([RUNNING]);
    clock.set(T0 + 31 * MINUTE);
    const [a, b] = await Promise.all([poller(clock).pollOnce(), poller(clock).pollOnce()]);
    expect([a.announced, b.announced]).toEqual([[], []]);
    expect(await announced()).toEqual([RUNNING]);
  });

  it('after a restart announces neither the same session again nor the backlog, only what ended since the last poll', async () => {
    const clock = fixedClock();
    await poller(clock).pollOnce();
    clock.set(T0 + 45 * MINUTE);
    expect((await poller(clock).pollOnce()).announced.map((a) => a.sessionId)).toEqual([RUNNING]);
    // Down from T0+45 min until T0+2 h 10 min: the meetup ended meanwhile; a new poller, same database.
    clock.set(T0 + 2 * HOUR + 10 * MINUTE);
    const restarted = await poller(clock).pollOnce();
    expect(restarted.started).toEqual([]);
    expect(restarted.announced.map((a) => a.sessionId)).toEqual([MEETUP]);
    expect(await announced()).toEqual([RUNNING, MEETUP]);
  });

  it('does not announce a session that ended while its follow-up workflow was switched off', async () => {
    const clock = fixedClock();
    const db = getStore().db;
    const withWorkflow = () => poller(clock, { workflows: [FOLLOW_UP] });
    await withWorkflow().pollOnce();
    clock.set(T0 + 10 * MINUTE);
    await setWorkflowEnabled(db, 'session-highlights', false, clock.now());
    expect(await withWorkflow().pollOnce()).toMatchObject({ active: false, sessions: 0 });
    clock.set(T0 + 40 * MINUTE);
    await setWorkflowEnabled(db, 'session-highlights', true, clock.now());
    // Switched back on after the running session ended: follow-ups start again from here.
    expect(await withWorkflow().pollOnce()).toMatchObject({ active: true, started: [SUMMIT], announced: [] });
    clock.set(T0 + 2 * HOUR);
    expect((await withWorkflow().pollOnce()).announced.map((a) => a.sessionId)).toEqual([MEETUP]);
    expect(await announced()).toEqual([MEETUP]);
  });

  it('reads no sessions while no session.ended workflow is loaded', async () => {
    const report = await poller(fixedClock(), { workflows: [] }).pollOnce();
    expect(report).toMatchObject({ active: false, started: [], sessions: 0 });
    expect(await readWatermark(getStore().db, SUMMIT)).toBeNull();
  });

  it('an event added back to the config after being dropped starts afresh instead of catching up', async () => {
    const clock = fixedClock();
    await poller(clock).pollOnce();
    clock.set(T0 + 10 * MINUTE);
    await poller(clock, { events: [SPONSOR_DAY] }).pollOnce();
    expect(await readWatermark(getStore().db, SUMMIT)).toEqual({ through: T0, active: false });
    clock.set(T0 + 40 * MINUTE);
    expect(await poller(clock).pollOnce()).toMatchObject({ started: [SUMMIT], announced: [] });
    expect(await announced()).toEqual([]);
  });

  it('skips a session that ended after the watermark but longer ago than maxAgeMs', async () => {
    const clock = fixedClock();
    await poller(clock).pollOnce();
    clock.set(T0 + 2 * HOUR + MINUTE);
    const report = await poller(clock, { maxAgeMs: HOUR }).pollOnce();
    expect(report.tooLate).toBe(1);
    expect(report.announced.map((a) => a.sessionId)).toEqual([MEETUP]);
  });

  it("announces the session's display details in the event's time zone", async () => {
    const clock = fixedClock();
    await poller(clock).pollOnce();
    clock.set(T0 + 30 * MINUTE);
    await poller(clock).pollOnce();
    const [job] = await jobsOfKind(getStore().db, 'session.ended');
    expect(job?.payload).toEqual({
      eventUrl: SUMMIT,
      event: { key: SUMMIT, id: '101', name: 'Parley Spring Summit 2026', timeZone: 'America/New_York' },
      session: {
        id: RUNNING,
        title: 'Panel: support at event scale',
        format: 'Breakout session',
        formatCode: 'BREAKOUT_SESSION',
        date: 'Mon, May 4, 2026',
        startTime: '9:30 AM EDT',
        endTime: '10:30 AM EDT',
        when: 'Mon, May 4, 2026, 9:30 AM to 10:30 AM EDT',
        zone: 'EDT',
        startsAt: T0 - 30 * MINUTE,
        endsAt: T0 + 30 * MINUTE,
        recordingUrl: null,
      },
    });
    expect(job?.priority).toBe(20);
  });

  /** The panel's announcement under a configured name and format label, with a recording in Accelevents. */
  async function announcedWithSettings() {
    const clock = fixedClock();
    const settings = {
      eventUrl: SUMMIT,
      name: 'Spring Summit',
      formatLabels: { BREAKOUT_SESSION: 'Panel' },
    };
    await poller(clock, { events: [settings] }).pollOnce();
    sandbox.state.setSessionRecording(SUMMIT, Number(RUNNING), 'https://video.example.com/panel');
    try {
      clock.set(T0 + 30 * MINUTE);
      await poller(clock, { events: [settings] }).pollOnce();
    } finally {
      sandbox.state.setSessionRecording(SUMMIT, Number(RUNNING), null);
    }
    const [job] = await jobsOfKind(getStore().db, 'session.ended');
    return job;
  }

  it("carries the session's recording address", async () => {
    const job = await announcedWithSettings();
    expect(job?.payload.session).toMatchObject({ recordingUrl: 'https://video.example.com/panel' });
  });

  it("carries the event's configured name", async () => {
    const job = await announcedWithSettings();
    expect(job?.payload.event.name).toBe('Spring Summit');
  });

  it('carries the configured label of the session format', async () => {
    const job = await announcedWithSettings();
    expect(job?.payload.session).toMatchObject({ format: 'Panel' });
  });

  it('uses the configured time zone over the one Accelevents names', async () => {
    const clock = fixedClock();
    const settings = { eventUrl: SUMMIT, timeZone: 'America/Los_Angeles' };
    await poller(clock, { events: [settings] }).pollOnce();
    // The sandbox writes New York wall-clock times; read in Los Angeles they are 3 hours later, so at
    // T0+30 min nothing has ended yet, and by T0+3 h 30 min the keynote, workshop and panel have.
    clock.set(T0 + 30 * MINUTE);
    expect((await poller(clock, { events: [settings] }).pollOnce()).announced).toEqual([]);
    clock.set(T0 + 3 * HOUR + 30 * MINUTE);
    const report = await poller(clock, { events: [settings] }).pollOnce();
    expect(report.announced.map((a) => a.sessionId)).toEqual(['10101', '10102', RUNNING]);
    const job = (await jobsOfKind(getStore().db, 'session.ended')).find((j) => j.payload.session.id === RUNNING);
    expect(job?.payload.event.timeZone).toBe('America/Los_Angeles');
    expect(job?.payload.session).toMatchObject({ when: 'Mon, May 4, 2026, 9:30 AM to 10:30 AM PDT', zone: 'PDT' });
  });
});

describe('createSessionPoller', () => {
  it('refuses to start without its collaborators or with a bad events list, naming the field', () => {
    expect(() => createSessionPoller({ events: [SUMMIT] } as never)).toThrow(/deps\.queue is required/);
    expect(() =>
      createSessionPoller({ queue: {}, accelevents: {}, db: {}, logger: silentLogger, events: [''] } as never),
    ).toThrow(/events must be a list of Accelevents event URLs/);
    expect(() =>
      createSessionPoller({
        queue: {},
        accelevents: {},
        db: {},
        logger: silentLogger,
        events: [{ eventUrl: SUMMIT, timeZone: 'Mars/Olympus' }],
      } as never),
    ).toThrow(/events\[0\]\.timeZone must be an IANA time zone/);
  });
});
