import { afterEach, describe, expect, it } from 'vitest';
import type { AcceleventsSandbox } from '../../src/sandbox/accelevents/create-sandbox.js';
import { clientFor, rejection, SPONSOR_DAY, SUMMIT, startSandbox } from './sandbox-fixture.js';

let sandbox: AcceleventsSandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

/** 2026-03-10 15:07 UTC = 11:07 in New York (EDT, UTC-4). */
const NOW = Date.UTC(2026, 2, 10, 15, 7);

describe('Accelevents client reads against the sandbox', () => {
  it('reads 250 attendees, each exactly once, in three pages of 100', async () => {
    sandbox = await startSandbox({ attendees: 250 });
    const all = await clientFor(sandbox).listAllAttendees(SUMMIT, { size: 100 });

    expect(all).toMatchObject({ recordsFiltered: 250, pagesRead: 3, truncated: false });
    const barcodes = all.items.map((a) => a.barcode);
    expect(barcodes).toHaveLength(250);
    expect(new Set(barcodes).size).toBe(250);
    expect(new Set(barcodes)).toEqual(new Set(sandbox.state.tickets(SUMMIT).map((t) => t.barcode)));
  });

  it('marks the list truncated when it stops at maxPages', async () => {
    sandbox = await startSandbox({ attendees: 250 });
    const all = await clientFor(sandbox).listAllAttendees(SUMMIT, { size: 100, maxPages: 2 });
    expect(all).toMatchObject({ pagesRead: 2, truncated: true, recordsFiltered: 250 });
    expect(all.items).toHaveLength(200);
  });

  for (const key of ['attendees', 'data', 'content'] as const) {
    it(`reads a page whose attendee array is under "${key}"`, async () => {
      sandbox = await startSandbox({ attendees: 12, attendeesArrayKey: key });
      const page = await clientFor(sandbox).listAttendees(SUMMIT, { page: 1, size: 5 });
      expect(page).toMatchObject({ arrayKey: key, recordsTotal: 12, recordsFiltered: 12, page: 1, size: 5 });
      expect(page.items.map((a) => a.barcode)).toEqual(
        sandbox.state
          .tickets(SUMMIT)
          .slice(5, 10)
          .map((t) => t.barcode),
      );
      expect(page.items[0]).toMatchObject({ email: 'ethan.johnson@example.com', checkedIn: false });
    });
  }

  it("reads session times in the event's time zone", async () => {
    sandbox = await startSandbox({ now: () => NOW });
    const client = clientFor(sandbox);
    const event = await client.getEventDetails(SUMMIT);
    expect(event).toMatchObject({ equivalentTimezone: 'America/New_York', timeZone: 'America/New_York' });

    const { items } = await client.listSessions(SUMMIT, { eventId: event.eventId!, timeZone: event.timeZone });
    const keynote = items[0]!;
    // The sandbox lays sessions out from 15:00 UTC: the keynote ran 12:00–13:00 UTC, 08:00–09:00 in New York.
    expect(keynote.title).toBe('Opening keynote');
    expect(keynote.endTime).toEqual({
      raw: '2026/03/10 09:00',
      local: { year: 2026, month: 3, day: 10, hour: 9, minute: 0, second: 0 },
    });
    expect(keynote.endsAt).toBe(Date.UTC(2026, 2, 10, 13, 0));
    const ended = items.filter((s) => s.endsAt! <= NOW).map((s) => s.title);
    const upcoming = items.filter((s) => s.startsAt! > NOW).map((s) => s.title);
    expect(ended).toEqual(['Opening keynote', 'Workshop: registration that runs itself']);
    expect(upcoming).toEqual(['Sponsor meetup', 'Closing remarks']);
  });

  it('reads London sessions in London time for the second sample event', async () => {
    sandbox = await startSandbox({ now: () => NOW });
    const client = clientFor(sandbox);
    const event = await client.getEventDetails(SPONSOR_DAY);
    const { items } = await client.listSessions(SPONSOR_DAY, { timeZone: event.timeZone });
    // 10 March is before the UK clock change: London is on UTC.
    expect(items[0]!.endTime!.raw).toBe('2026/03/10 13:00');
    expect(items[0]!.endsAt).toBe(Date.UTC(2026, 2, 10, 13, 0));
  });

  it('reads an order with its ticket holders', async () => {
    sandbox = await startSandbox();
    const client = clientFor(sandbox);
    const ticket = sandbox.state.tickets(SUMMIT)[3]!;

    const order = await client.getOrder(SUMMIT, ticket.orderId);
    expect(order.orderId).toBe(String(ticket.orderId));
    expect(order.attendees).toHaveLength(1);
    expect(order.attendees[0]).toMatchObject({
      barcode: ticket.barcode,
      email: ticket.email,
      phoneNumber: ticket.phoneNumber,
      ticketType: 'VIP',
      ticketStatus: 'BOOKED',
      checkedIn: false,
    });
  });

  it('reads the holder data of one ticket', async () => {
    sandbox = await startSandbox();
    const client = clientFor(sandbox);
    const ticket = sandbox.state.tickets(SUMMIT)[3]!;

    const holder = await client.getHolderData(SUMMIT, ticket.eventTicketingId);
    expect(holder.eventTicketingId).toBe(String(ticket.eventTicketingId));
    expect(holder.attributes.find((a) => a.name === 'Email')?.value).toBe(ticket.email);
    expect(holder.questions.map((q) => q.name)).toContain('Which topics interest you?');
  });

  it('answers not_found for an unknown order', async () => {
    sandbox = await startSandbox();
    const client = clientFor(sandbox);
    expect(await rejection(client.getOrder(SUMMIT, 1))).toMatchObject({ code: 'not_found', status: 404 });
  });

  it('answers not_found (app code 4060405) for a check-in of an unknown barcode', async () => {
    sandbox = await startSandbox();
    const client = clientFor(sandbox);
    expect(await rejection(client.checkIn(SUMMIT, 'NO-SUCH-BARCODE'))).toMatchObject({
      code: 'not_found',
      appCode: 4060405,
    });
  });

  it('checks in a ticket', async () => {
    sandbox = await startSandbox();
    const client = clientFor(sandbox);
    const barcode = sandbox.state.tickets(SUMMIT)[0]!.barcode;
    expect(await client.checkIn(SUMMIT, barcode)).toMatchObject({ status: 'CHECKED_IN' });
    const listed = await client.listAttendees(SUMMIT);
    expect(listed.items.find((a) => a.barcode === barcode)).toMatchObject({
      ticketStatus: 'CHECKED_IN',
      checkedIn: true,
    });
  });

  it('refuses a second check-in as already used (4060406)', async () => {
    sandbox = await startSandbox();
    const client = clientFor(sandbox);
    const barcode = sandbox.state.tickets(SUMMIT)[0]!.barcode;
    await client.checkIn(SUMMIT, barcode);
    expect(await rejection(client.checkIn(SUMMIT, barcode))).toMatchObject({
      code: 'invalid_request',
      status: 406,
      appCode: 4060406,
    });
  });

  it('checks out a checked-in ticket', async () => {
    sandbox = await startSandbox();
    const client = clientFor(sandbox);
    const barcode = sandbox.state.tickets(SUMMIT)[0]!.barcode;
    await client.checkIn(SUMMIT, barcode);
    expect(await client.checkIn(SUMMIT, barcode, { checkIn: false })).toMatchObject({ status: 'BOOKED' });
  });

  it('rejects a bad page size before sending, naming the field', async () => {
    sandbox = await startSandbox();
    const error = await rejection(clientFor(sandbox).listAttendees(SUMMIT, { size: 0 }));
    expect(error).toMatchObject({ code: 'invalid_call' });
    expect(error.message).toContain('size must be a whole number from 1 to 1000, got 0');
  });
});
