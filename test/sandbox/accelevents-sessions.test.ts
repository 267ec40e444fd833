/**
 * The Accelevents sandbox's session data over real HTTP: sessions added through the control route,
 * registrations and check-ins per session as GET /host/session/{id}/attendee answers them, recording
 * addresses on the session list, and the switch that makes an account without per-session attendance.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AcceleventsSandbox } from '../../src/sandbox/accelevents/create-sandbox.js';
import { SUMMIT, startSandbox } from '../accelevents/sandbox-fixture.js';
import { admin } from './accelevents-receiver.js';

/** 2026-05-04 14:00 UTC = 10:00 in New York (EDT). */
const NOW = Date.UTC(2026, 4, 4, 14, 0);
const MINUTE = 60_000;

let sandbox: AcceleventsSandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function get(s: AcceleventsSandbox, path: string): Promise<{ status: number; json: any }> {
  const res = await fetch(`${s.url}${path}`, { headers: { authorization: s.apiKey } });
  return { status: res.status, json: await res.json() };
}

describe('Accelevents sandbox sessions', () => {
  it('POST /sandbox/accelevents/sessions adds a session the session list shows in the event zone, with its recording', async () => {
    sandbox = await startSandbox({ now: () => NOW, attendees: 1 });
    const added = await admin(sandbox.origin, 'sessions', {
      eventUrl: SUMMIT,
      title: 'Late workshop',
      format: 'WORKSHOP',
      startsAt: NOW,
      endsAt: NOW + 45 * MINUTE,
      recordingUrl: 'https://video.example.com/late-workshop',
    });
    expect(added.status).toBe(200);
    expect(added.json).toMatchObject({ title: 'Late workshop', endsAt: '2026-05-04T14:45:00.000Z' });

    const list = await get(sandbox, `/host/event/${SUMMIT}/session?size=100`);
    const row = list.json.data.find((s: any) => s.sessionId === added.json.sessionId);
    expect(row).toMatchObject({
      title: 'Late workshop',
      format: 'WORKSHOP',
      startTime: '2026/05/04 10:00',
      endTime: '2026/05/04 10:45',
      recordingUrl: 'https://video.example.com/late-workshop',
    });
    expect(list.json.data.filter((s: any) => s.recordingUrl === null)).toHaveLength(5);
  });

  it('answers 400 naming the field for a session that ends before it starts or a recording that is not a URL', async () => {
    sandbox = await startSandbox({ now: () => NOW, attendees: 1 });
    const backwards = await admin(sandbox.origin, 'sessions', {
      eventUrl: SUMMIT,
      title: 'Backwards',
      startsAt: NOW,
      endsAt: NOW - MINUTE,
    });
    expect(backwards).toEqual({ status: 400, json: { message: 'endsAt must be after startsAt' } });
    const sessionId = sandbox.state.event(SUMMIT).sessions[0]!.sessionId;
    const badUrl = await admin(sandbox.origin, 'session-recordings', {
      eventUrl: SUMMIT,
      sessionId,
      recordingUrl: 'javascript:alert(1)',
    });
    expect(badUrl.status).toBe(400);
    expect(badUrl.json.message).toMatch(/^recordingUrl must be an absolute http\(s\) URL/);
    expect(sandbox.state.event(SUMMIT).sessions[0]!.recordingUrl).toBeNull();
  });

  it("GET /host/session/{id}/attendee lists the session's registrants, marking only its check-ins attended", async () => {
    sandbox = await startSandbox({ now: () => NOW, attendees: 3 });
    const [a, b, c] = sandbox.state.tickets(SUMMIT);
    const sessionId = sandbox.state.event(SUMMIT).sessions[0]!.sessionId;
    expect(
      (await admin(sandbox.origin, 'session-registrations', { eventUrl: SUMMIT, barcode: a!.barcode, sessionId }))
        .status,
    ).toBe(200);
    expect(
      (await admin(sandbox.origin, 'session-checkins', { eventUrl: SUMMIT, barcode: b!.barcode, sessionId })).status,
    ).toBe(200);

    const { status, json } = await get(sandbox, `/host/session/${sessionId}/attendee`);
    expect(status).toBe(200);
    expect(json.recordsTotal).toBe(2);
    expect(json.data).toEqual([
      expect.objectContaining({ eventTicketId: a!.eventTicketingId, email: a!.email, attended: false }),
      expect.objectContaining({ eventTicketId: b!.eventTicketingId, email: b!.email, attended: true }),
    ]);
    expect(json.data.map((r: any) => r.email)).not.toContain(c!.email);
  });

  it('answers 401 for the session attendance without the key', async () => {
    sandbox = await startSandbox({ now: () => NOW, attendees: 1 });
    const sessionId = sandbox.state.event(SUMMIT).sessions[0]!.sessionId;
    const noKey = await fetch(`${sandbox.url}/host/session/${sessionId}/attendee`);
    expect(noKey.status).toBe(401);
  });

  it('refuses the session attendance to a key without the host role', async () => {
    sandbox = await startSandbox({ now: () => NOW, attendees: 1 });
    const sessionId = sandbox.state.event(SUMMIT).sessions[0]!.sessionId;
    sandbox.setAccess({ eventUrl: SUMMIT, role: 'staff' });
    expect((await get(sandbox, `/host/session/${sessionId}/attendee`)).json).toMatchObject({ errorCode: 4030201 });
  });

  it('answers 404 for the attendance of an unknown session', async () => {
    sandbox = await startSandbox({ now: () => NOW, attendees: 1 });
    sandbox.setAccess({ eventUrl: SUMMIT, role: 'staff' });
    expect((await get(sandbox, '/host/session/999999/attendee')).status).toBe(404);
  });

  it('answers 404 on the session attendance while sessionAttendance is off', async () => {
    sandbox = await startSandbox({ now: () => NOW, attendees: 1, sessionAttendance: false });
    const sessionId = sandbox.state.event(SUMMIT).sessions[0]!.sessionId;
    expect((await get(sandbox, `/host/session/${sessionId}/attendee`)).status).toBe(404);
  });

  it('lists the session attendance again once sessionAttendance is switched on', async () => {
    sandbox = await startSandbox({ now: () => NOW, attendees: 1, sessionAttendance: false });
    const sessionId = sandbox.state.event(SUMMIT).sessions[0]!.sessionId;
    expect((await admin(sandbox.origin, 'settings', { sessionAttendance: true })).status).toBe(200);
    expect(await get(sandbox, `/host/session/${sessionId}/attendee`)).toMatchObject({
      status: 200,
      json: { recordsTotal: 0, data: [] },
    });
  });
});
