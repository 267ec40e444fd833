/**
 * The client's session reads against the Accelevents sandbox over real HTTP: a session's attendance
 * (GET /host/session/{id}/attendee) across pages, the recording address a session record carries, and
 * the not_found an account without per-session attendance answers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readSession } from '../../src/accelevents/read-records.js';
import type { AcceleventsSandbox } from '../../src/sandbox/accelevents/create-sandbox.js';
import { clientFor, rejection, SUMMIT, startSandbox } from './sandbox-fixture.js';

const NOW = Date.UTC(2026, 4, 4, 14, 0);

let sandbox: AcceleventsSandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

describe('Accelevents client session reads', () => {
  it('reads who attended a session across pages', async () => {
    sandbox = await startSandbox({ now: () => NOW, attendees: 5 });
    const tickets = sandbox.state.tickets(SUMMIT);
    const sessionId = sandbox.state.event(SUMMIT).sessions[1]!.sessionId;
    for (const t of tickets.slice(0, 3)) sandbox.state.checkInSession(SUMMIT, t.barcode, sessionId);
    sandbox.state.registerForSession(SUMMIT, tickets[4]!.barcode, sessionId);

    const all = await clientFor(sandbox).listAllSessionAttendees(sessionId, { size: 2 });
    expect(all).toMatchObject({ recordsFiltered: 4, pagesRead: 2, truncated: false });
    expect(all.items.map((r) => [r.eventTicketingId, r.attended])).toEqual([
      [String(tickets[0]!.eventTicketingId), true],
      [String(tickets[1]!.eventTicketingId), true],
      [String(tickets[2]!.eventTicketingId), true],
      [String(tickets[4]!.eventTicketingId), false],
    ]);
    expect(all.items[0]).toMatchObject({ email: tickets[0]!.email, phoneNumber: tickets[0]!.phoneNumber });
  });

  it('says not_found when the account answers 404 to session attendance', async () => {
    sandbox = await startSandbox({ now: () => NOW, attendees: 1, sessionAttendance: false });
    const sessionId = sandbox.state.event(SUMMIT).sessions[0]!.sessionId;
    const error = await rejection(clientFor(sandbox).listAllSessionAttendees(sessionId));
    expect(error).toMatchObject({ code: 'not_found', status: 404, operation: 'list-session-attendees' });
  });

  /** Lists the sessions after giving only the first one a recording. */
  async function sessionsWithOneRecording() {
    sandbox = await startSandbox({ now: () => NOW, attendees: 1 });
    const [first, second] = sandbox.state.event(SUMMIT).sessions;
    sandbox.state.setSessionRecording(SUMMIT, first!.sessionId, 'https://video.example.com/keynote');
    const { items } = await clientFor(sandbox).listSessions(SUMMIT, { timeZone: 'America/New_York' });
    return { items, first: first!, second: second! };
  }

  it("reads a session's recording address from its record", async () => {
    const { items, first } = await sessionsWithOneRecording();
    expect(items.find((s) => s.sessionId === String(first.sessionId))?.recordingUrl).toBe(
      'https://video.example.com/keynote',
    );
  });

  it('reads no recording address from a session record without one', async () => {
    const { items, second } = await sessionsWithOneRecording();
    expect(items.find((s) => s.sessionId === String(second.sessionId))?.recordingUrl).toBeNull();
  });

  it('takes a replay address under another likely name', () => {
    expect(readSession({ sessionId: 1, replayUrl: 'https://replay.example.com/1' }, null).recordingUrl).toBe(
      'https://replay.example.com/1',
    );
  });

  it('never takes a recording address that is not http(s)', () => {
    expect(readSession({ sessionId: 2, recordingUrl: 'ftp://files.example.com/2' }, null).recordingUrl).toBeNull();
    expect(readSession({ sessionId: 3, recordingUrl: 'not a url' }, null).recordingUrl).toBeNull();
  });
});
