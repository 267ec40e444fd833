/**
 * The session.ended job handler end to end: the Accelevents sandbox (sessions, their attendance, the
 * event's attendees) and the HighLevel sandbox (contacts and messages) over real HTTP, on both
 * databases. Each test polls at T0 (follow-ups start), then at T0+30 min when the summit's panel
 * (session 10103) has ended, and runs the one job that poll queued.
 */
import { afterEach, beforeAll, beforeEach, expect, afterAll as finallyAll, it } from 'vitest';
import type { SessionRecipients } from '../../../src/features/session-recipients.js';
import { createSessionEndedHandler } from '../../../src/jobs/pollers/session-ended-handler.js';
import { createSessionPoller } from '../../../src/jobs/pollers/session-poller.js';
import type { AcceleventsSandbox, AcceleventsSandboxOptions } from '../../../src/sandbox/accelevents/create-sandbox.js';
import { clientFor, rejection, SUMMIT, startSandbox } from '../../accelevents/sandbox-fixture.js';
import { describeEachDatabase } from '../../helpers/databases.js';
import { type SandboxHandle, withSandbox } from '../../helpers/sandbox.js';
import { definitionFrom, newLocation, recordingClient } from '../../workflows/workflow-fixture.js';
import { clearPipelineTables, fixedClock, MINUTE, queueOn, silentLogger, T0 } from './pollers-fixture.js';

const PANEL = 10103;

const HIGHLIGHTS = definitionFrom(`
name: session-highlights
trigger: session.ended
steps:
  - id: contact
    action: contacts.upsert
    with: { email: "{{ attendee.email }}", phone: "{{ attendee.phone }}", firstName: "{{ attendee.firstName }}" }
  - id: note
    action: highlevel.send-a-new-message
    with:
      type: Email
      contactId: "{{ steps.contact.id }}"
      message: "Thanks for joining {{ session.title }} at {{ event.name }}"
`);

let highlevel: SandboxHandle;
let accelevents: AcceleventsSandbox | undefined;
beforeAll(async () => {
  highlevel = await withSandbox();
});
finallyAll(async () => {
  await highlevel.close();
});
afterEach(async () => {
  await accelevents?.close();
  accelevents = undefined;
});

describeEachDatabase('session.ended handler', (getStore) => {
  beforeEach(async () => {
    await clearPipelineTables(getStore().db);
    await getStore().db.deleteFrom('settings').execute();
  });

  async function sandbox(options: AcceleventsSandboxOptions = {}) {
    accelevents = await startSandbox({ attendees: 4, now: () => T0, ...options });
    return accelevents;
  }

  /** Polls at T0 and T0+30 min, then runs the panel's job once per `runs`; what was sent, to whom. */
  async function followUp(s: AcceleventsSandbox, recipients: SessionRecipients | null = null, runs = 1) {
    const clock = fixedClock();
    const queue = queueOn(getStore(), clock);
    const client = clientFor(s);
    const poller = () =>
      createSessionPoller({
        queue,
        accelevents: client,
        db: getStore().db,
        events: [SUMMIT],
        logger: silentLogger,
        now: clock.now,
      });
    await poller().pollOnce();
    clock.set(T0 + 30 * MINUTE);
    await poller().pollOnce();
    const [job] = await queue.claim('w1', { limit: 1, leaseMs: 60_000, kinds: ['session.ended'] });
    if (!job) throw new Error('the panel was not announced');
    const locationId = newLocation(highlevel);
    const recorder = recordingClient(highlevel, locationId);
    const handler = createSessionEndedHandler({
      accelevents: client,
      workflows: [HIGHLIGHTS],
      locations: { resolve: () => locationId },
      run: { db: getStore().db, highlevel: recorder.client, logger: silentLogger },
      events: [{ eventUrl: SUMMIT, recipients }],
      logger: silentLogger,
    });
    const context = { signal: new AbortController().signal, workerId: 'w1' };
    for (let i = 0; i < runs; i++) await handler(job, context);
    const rows = await getStore().db.selectFrom('workflow_runs').select(['trigger_key', 'status']).execute();
    return {
      sends: recorder.calls.filter((c) => c === 'send-a-new-message').length,
      /** The attendee part of each run's trigger key (a ticket id or a barcode), sorted. */
      recipients: rows.map((r) => r.trigger_key.split(':').at(-1)).sort(),
      statuses: rows.map((r) => r.status),
    };
  }

  /** Two attendees checked into the panel and one only registered for it; the job run `runs` times. */
  async function panelFollowUp(runs: number) {
    const s = await sandbox();
    const [a, b, c] = s.state.tickets(SUMMIT);
    s.state.checkInSession(SUMMIT, a!.barcode, PANEL);
    s.state.checkInSession(SUMMIT, b!.barcode, PANEL);
    s.state.registerForSession(SUMMIT, c!.barcode, PANEL);
    const result = await followUp(s, null, runs);
    return { result, attended: [String(a!.eventTicketingId), String(b!.eventTicketingId)].sort() };
  }

  it("follows up only the session's attendees, once each", async () => {
    const { result, attended } = await panelFollowUp(1);
    expect(result.sends).toBe(2);
    expect(result.recipients).toEqual(attended);
    expect(result.statuses).toEqual(['completed', 'completed']);
  });

  it('sends nothing more when the job is replayed', async () => {
    const { result, attended } = await panelFollowUp(2);
    expect(result.sends).toBe(2);
    expect(result.recipients).toEqual(attended);
    expect(result.statuses).toEqual(['completed', 'completed']);
  });

  it('sends one follow-up to a person who attended on two tickets', async () => {
    const s = await sandbox({ attendees: 0 });
    const person = { eventUrl: SUMMIT, firstName: 'Grace', lastName: 'Hopper', email: 'grace@example.com' };
    const first = s.state.register(person).ticket;
    const second = s.state.register({ ...person, email: 'GRACE@example.com' }).ticket;
    s.state.checkInSession(SUMMIT, first.barcode, PANEL);
    s.state.checkInSession(SUMMIT, second.barcode, PANEL);
    const result = await followUp(s);
    expect(result.sends).toBe(1);
  });

  it("follows up the event's checked-in attendees when Accelevents offers no session attendance", async () => {
    const s = await sandbox({ sessionAttendance: false });
    const [a, b] = s.state.tickets(SUMMIT);
    s.state.checkIn(SUMMIT, a!.barcode);
    s.state.checkInSession(SUMMIT, b!.barcode, PANEL);
    const result = await followUp(s);
    expect(result.sends).toBe(1);
    expect(result.recipients).toEqual([a!.barcode]);
  });

  it('fails the job for good, naming the setting, when recipients is session-attendees but there is no attendance', async () => {
    const s = await sandbox({ sessionAttendance: false });
    s.state.checkIn(SUMMIT, s.state.tickets(SUMMIT)[0]!.barcode);
    const strict = await rejection(followUp(s, 'session-attendees'));
    expect(strict).toMatchObject({ code: 'session_attendance_unavailable', retryable: false });
    expect(strict.message).toMatch(/recipients is session-attendees for parley-spring-summit.*set recipients to/);
    expect(await getStore().db.selectFrom('workflow_runs').select('id').execute()).toEqual([]);
  });

  it("recipients checked-in follows up the event's checked-in attendees, not the session's", async () => {
    const s = await sandbox();
    const [a, b] = s.state.tickets(SUMMIT);
    s.state.checkIn(SUMMIT, a!.barcode);
    s.state.checkInSession(SUMMIT, b!.barcode, PANEL);
    expect((await followUp(s, 'checked-in')).recipients).toEqual([a!.barcode]);
  });

  it('recipients all-registrants follows up every ticket holder but a refunded one', async () => {
    const s = await sandbox();
    const [a, b, c, d] = s.state.tickets(SUMMIT);
    s.state.changeTicketStatus(SUMMIT, d!.barcode, 'REFUNDED');
    expect((await followUp(s, 'all-registrants')).recipients).toEqual([a!.barcode, b!.barcode, c!.barcode].sort());
  });
});
