/**
 * The Accelevents sandbox's refund/cancel, session check-in and multi-holder order: each driven through
 * its control route over real HTTP, with the webhook delivered to a local receiver in both presets.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AcceleventsSandbox } from '../../src/sandbox/accelevents/create-sandbox.js';
import type { PayloadShapeName } from '../../src/sandbox/accelevents/webhook-payloads.js';
import { SPONSOR_DAY, SUMMIT, startSandbox } from '../accelevents/sandbox-fixture.js';
import { admin, type Receiver, startReceiver } from './accelevents-receiver.js';

const NOW = Date.UTC(2026, 2, 10, 15, 7);
const AT = '2026-03-10T15:07:00.000Z';
const SUMMIT_NAME = 'Parley Spring Summit 2026';

let sandbox: AcceleventsSandbox | undefined;
let hook: Receiver | undefined;
afterEach(async () => {
  await sandbox?.close();
  await hook?.close();
  sandbox = undefined;
  hook = undefined;
});

async function start(payloadShape: PayloadShapeName): Promise<{ sandbox: AcceleventsSandbox; hook: Receiver }> {
  hook = await startReceiver();
  sandbox = await startSandbox({ webhookUrl: hook.url, payloadShape, now: () => NOW, attendees: 2 });
  return { sandbox, hook };
}

const ADA = { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', phoneNumber: '+14155550100' };

/** Registers Ada for the summit (General Admission) and forgets the registration webhook. */
async function registerAda(s: AcceleventsSandbox, h: Receiver, ticketType?: string) {
  const res = await admin(s.origin, 'attendees', { eventUrl: SUMMIT, ...ADA, ...(ticketType ? { ticketType } : {}) });
  expect(res.status).toBe(200);
  await s.flush();
  h.bodies.length = 0;
  return res.json as { orderId: number; barcode: string; eventTicketingId: number };
}

async function attendeeRow(s: AcceleventsSandbox, eventUrl: string, barcode: string): Promise<any> {
  const res = await fetch(`${s.url}/events/${eventUrl}/staff/allAttendees?searchString=${barcode}`, {
    headers: { authorization: s.apiKey },
  });
  return ((await res.json()) as { attendees: any[] }).attendees[0];
}

describe('Accelevents sandbox ticket refund and cancellation', () => {
  it('POST /sandbox/accelevents/ticket-status refunds a ticket: a flat ticket.status_changed names it as REFUNDED', async () => {
    const { sandbox: s, hook: h } = await start('flat');
    const ada = await registerAda(s, h);
    const res = await admin(s.origin, 'ticket-status', { eventUrl: SUMMIT, barcode: ada.barcode, status: 'REFUNDED' });
    expect(res.status).toBe(200);
    expect(res.json.ticketStatus).toBe('REFUNDED');
    await s.flush();
    expect(h.bodies).toEqual([
      {
        topic: 'ticket.status_changed',
        eventUrl: SUMMIT,
        eventName: SUMMIT_NAME,
        barcode: ada.barcode,
        orderId: ada.orderId,
        firstName: 'Ada',
        lastName: 'Lovelace',
        email: 'ada@example.com',
        phoneNumber: '+14155550100',
        ticketType: 'General Admission',
        ticketStatus: 'REFUNDED',
        purchaseDate: AT,
      },
    ]);
  });

  it('cancels a ticket with the nested TICKET_STATUS_CHANGED payload', async () => {
    const { sandbox: s, hook: h } = await start('nested');
    const ada = await registerAda(s, h, 'VIP');
    await admin(s.origin, 'ticket-status', { eventUrl: SUMMIT, barcode: ada.barcode, status: 'CANCELLED' });
    await s.flush();
    expect(h.bodies).toHaveLength(1);
    const ticket = s.state.ticket(SUMMIT, ada.barcode);
    expect(h.bodies[0]).toEqual({
      type: 'TICKET_STATUS_CHANGED',
      timestamp: AT,
      data: {
        order: {
          orderId: ada.orderId,
          purchaseDate: AT,
          totalAmount: 199,
          purchaser: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' },
        },
        attendee: {
          barcode: ada.barcode,
          eventTicketingId: ada.eventTicketingId,
          userId: ticket.userId,
          firstName: 'Ada',
          lastName: 'Lovelace',
          email: 'ada@example.com',
          phoneNumber: '+14155550100',
          ticketType: 'VIP',
          ticketStatus: 'CANCELLED',
        },
        event: { eventId: 101, eventUrl: SUMMIT, eventName: SUMMIT_NAME },
      },
    });
  });

  it('shows the new status in the REST attendee list', async () => {
    const { sandbox: s, hook: h } = await start('flat');
    const ada = await registerAda(s, h);
    await admin(s.origin, 'ticket-status', { eventUrl: SUMMIT, barcode: ada.barcode, status: 'CANCELLED' });
    expect(await attendeeRow(s, SUMMIT, ada.barcode)).toMatchObject({
      barcode: ada.barcode,
      ticketStatus: 'CANCELLED',
    });
  });

  it('refuses to check in a refunded ticket or change its status again (406)', async () => {
    const { sandbox: s, hook: h } = await start('flat');
    const ada = await registerAda(s, h);
    await admin(s.origin, 'ticket-status', { eventUrl: SUMMIT, barcode: ada.barcode, status: 'REFUNDED' });
    expect(await admin(s.origin, 'checkins', { eventUrl: SUMMIT, barcode: ada.barcode })).toEqual({
      status: 406,
      json: { message: 'Ticket is refunded' },
    });
    const again = await admin(s.origin, 'ticket-status', {
      eventUrl: SUMMIT,
      barcode: ada.barcode,
      status: 'CANCELLED',
    });
    expect(again.status).toBe(406);
  });

  it('answers 400 naming the allowed statuses for any other status', async () => {
    const { sandbox: s, hook: h } = await start('flat');
    const ada = await registerAda(s, h);
    const res = await admin(s.origin, 'ticket-status', { eventUrl: SUMMIT, barcode: ada.barcode, status: 'LOST' });
    expect(res).toEqual({ status: 400, json: { message: 'status must be one of REFUNDED, CANCELLED; got "LOST"' } });
  });
});

describe('Accelevents sandbox session check-in', () => {
  it('POST /sandbox/accelevents/session-checkins sends a flat session.checked_in naming the session at the root', async () => {
    const { sandbox: s, hook: h } = await start('flat');
    const ada = await registerAda(s, h);
    const res = await admin(s.origin, 'session-checkins', { eventUrl: SUMMIT, barcode: ada.barcode, sessionId: 10102 });
    expect(res.status).toBe(200);
    expect(res.json.session).toEqual({ sessionId: 10102, title: 'Workshop: registration that runs itself' });
    await s.flush();
    expect(h.bodies).toEqual([
      {
        topic: 'session.checked_in',
        eventUrl: SUMMIT,
        eventName: SUMMIT_NAME,
        barcode: ada.barcode,
        orderId: ada.orderId,
        firstName: 'Ada',
        lastName: 'Lovelace',
        email: 'ada@example.com',
        phoneNumber: '+14155550100',
        ticketType: 'General Admission',
        ticketStatus: 'BOOKED',
        purchaseDate: AT,
        sessionId: 10102,
        sessionName: 'Workshop: registration that runs itself',
      },
    ]);
  });

  it('puts the session under data.session in the nested SESSION_CHECK_IN payload', async () => {
    const { sandbox: s, hook: h } = await start('nested');
    const ada = await registerAda(s, h);
    await admin(s.origin, 'session-checkins', { eventUrl: SUMMIT, barcode: ada.barcode, sessionId: 10101 });
    await s.flush();
    expect(h.bodies).toHaveLength(1);
    expect(h.bodies[0]).toMatchObject({
      type: 'SESSION_CHECK_IN',
      timestamp: AT,
      data: {
        session: { sessionId: 10101, title: 'Opening keynote' },
        attendee: { barcode: ada.barcode, email: 'ada@example.com', ticketStatus: 'BOOKED' },
        event: { eventId: 101, eventUrl: SUMMIT, eventName: SUMMIT_NAME },
        order: { orderId: ada.orderId },
      },
    });
    expect(Object.keys(h.bodies[0].data).sort()).toEqual(['attendee', 'event', 'order', 'session']);
  });

  it('refuses a second check-in into the same session (406)', async () => {
    const { sandbox: s, hook: h } = await start('flat');
    const ada = await registerAda(s, h);
    const body = { eventUrl: SUMMIT, barcode: ada.barcode, sessionId: 10101 };
    expect((await admin(s.origin, 'session-checkins', body)).status).toBe(200);
    expect(await admin(s.origin, 'session-checkins', body)).toMatchObject({
      status: 406,
      json: { errorCode: 4060406 },
    });
  });

  it('refuses a check-in into an unknown session (404)', async () => {
    const { sandbox: s, hook: h } = await start('flat');
    const ada = await registerAda(s, h);
    const body = { eventUrl: SUMMIT, barcode: ada.barcode, sessionId: 10101 };
    // Session 10201 belongs to the other event.
    expect(await admin(s.origin, 'session-checkins', { ...body, sessionId: 10201 })).toEqual({
      status: 404,
      json: { message: 'Session not found' },
    });
  });

  it('answers 400 naming sessionId when it is not a whole number', async () => {
    const { sandbox: s, hook: h } = await start('flat');
    const ada = await registerAda(s, h);
    const res = await admin(s.origin, 'session-checkins', {
      eventUrl: SUMMIT,
      barcode: ada.barcode,
      sessionId: '10101',
    });
    expect(res).toEqual({ status: 400, json: { message: 'sessionId must be a whole number' } });
  });

  it('fires session.checked_in on demand through /webhooks with the session named by sessionId', async () => {
    const { sandbox: s, hook: h } = await start('flat');
    const seeded = s.state.tickets(SUMMIT)[0]!;
    const fired = await admin(s.origin, 'webhooks', {
      topic: 'session.checked_in',
      eventUrl: SUMMIT,
      barcode: seeded.barcode,
      sessionId: 10104,
    });
    expect(fired.status).toBe(200);
    await s.flush();
    expect(h.bodies).toEqual([
      expect.objectContaining({
        topic: 'session.checked_in',
        barcode: seeded.barcode,
        sessionId: 10104,
        sessionName: 'Sponsor meetup',
      }),
    ]);
    const missing = await admin(s.origin, 'webhooks', {
      topic: 'session.checked_in',
      eventUrl: SUMMIT,
      barcode: seeded.barcode,
    });
    expect(missing).toEqual({ status: 400, json: { message: `sessionId must be the id of a session of ${SUMMIT}` } });
  });
});

describe('Accelevents sandbox order with several ticket holders', () => {
  const order = {
    eventUrl: SPONSOR_DAY,
    purchaser: { firstName: 'Grace', lastName: 'Hopper', email: 'grace@example.com' },
    ticketType: 'Expo Pass',
    holders: [
      { firstName: 'Alan', lastName: 'Turing', email: 'alan@example.com', phoneNumber: '+447700900001' },
      { firstName: 'Joan', lastName: 'Clarke', email: 'joan@example.com' },
      { firstName: 'Tommy', lastName: 'Flowers', email: 'tommy@example.com', ticketType: 'Sponsor Pass' },
    ],
  };

  function expectedTickets(tickets: { barcode: string; eventTicketingId: number }[]) {
    return order.holders.map((holder, i) => ({
      barcode: tickets[i]!.barcode,
      eventTicketingId: tickets[i]!.eventTicketingId,
      firstName: holder.firstName,
      lastName: holder.lastName,
      email: holder.email,
      phoneNumber: holder.phoneNumber ?? null,
      ticketType: holder.ticketType ?? 'Expo Pass',
      ticketStatus: 'BOOKED',
    }));
  }

  it('POST /sandbox/accelevents/orders sends ONE flat ticket.purchased listing every holder under attendees', async () => {
    const { sandbox: s, hook: h } = await start('flat');
    const res = await admin(s.origin, 'orders', order);
    expect(res.status).toBe(200);
    const { orderId, tickets } = res.json;
    expect(tickets.map((t: { email: string }) => t.email)).toEqual([
      'alan@example.com',
      'joan@example.com',
      'tommy@example.com',
    ]);
    await s.flush();
    expect(h.bodies).toEqual([
      {
        topic: 'ticket.purchased',
        eventUrl: SPONSOR_DAY,
        eventName: 'Parley Sponsor Day',
        orderId,
        purchaseDate: AT,
        purchaser: { firstName: 'Grace', lastName: 'Hopper', email: 'grace@example.com' },
        attendees: expectedTickets(tickets),
      },
    ]);
    expect(s.deliveries.map((d) => [d.topic, d.barcodes])).toEqual([
      ['ticket.purchased', tickets.map((t: { barcode: string }) => t.barcode)],
    ]);
  });

  it('lays the order out under data.order in the nested preset', async () => {
    const { sandbox: s, hook: h } = await start('nested');
    const { orderId, tickets } = (await admin(s.origin, 'orders', order)).json;
    await s.flush();
    expect(h.bodies).toEqual([
      {
        type: 'TICKET_PURCHASE',
        timestamp: AT,
        data: {
          order: {
            orderId,
            purchaseDate: AT,
            totalAmount: 50,
            purchaser: { firstName: 'Grace', lastName: 'Hopper', email: 'grace@example.com' },
            tickets: expectedTickets(tickets),
          },
          event: { eventId: 102, eventUrl: SPONSOR_DAY, eventName: 'Parley Sponsor Day' },
        },
      },
    ]);
  });

  it('makes each holder its own attendee with its own barcode, all in the one order', async () => {
    const { sandbox: s } = await start('flat');
    const { orderId, tickets } = (await admin(s.origin, 'orders', order)).json;
    expect(new Set(tickets.map((t: { barcode: string }) => t.barcode)).size).toBe(3);
    for (const [i, t] of (tickets as { barcode: string }[]).entries()) {
      expect(await attendeeRow(s, SPONSOR_DAY, t.barcode)).toMatchObject({ orderId, email: order.holders[i]!.email });
    }
    const res = await fetch(`${s.url}/events/${SPONSOR_DAY}/staff/refund/order/${orderId}`, {
      headers: { authorization: s.apiKey },
    });
    const detail = (await res.json()) as { attendee: { barcode: string }[] };
    expect(detail.attendee.map((a) => a.barcode)).toEqual(tickets.map((t: { barcode: string }) => t.barcode));
  });

  it('names the purchaser, not the holder, in later deliveries about one holder of the order', async () => {
    const { sandbox: s, hook: h } = await start('nested');
    const { tickets } = (await admin(s.origin, 'orders', order)).json;
    await admin(s.origin, 'checkins', { eventUrl: SPONSOR_DAY, barcode: tickets[1].barcode });
    await s.flush();
    expect(h.bodies[1]).toMatchObject({
      type: 'CHECK_IN',
      data: {
        order: { purchaser: order.purchaser, totalAmount: 25 },
        attendee: { barcode: tickets[1].barcode, email: 'joan@example.com' },
      },
    });
  });

  it('answers 400 naming the field for a holder without an email or repeating one', async () => {
    const { sandbox: s } = await start('flat');
    const noEmail = { ...order, holders: [order.holders[0], { firstName: 'Joan', lastName: 'Clarke' }] };
    expect(await admin(s.origin, 'orders', noEmail)).toEqual({
      status: 400,
      json: { message: 'holders[1].email is required' },
    });
    const repeated = { ...order, holders: [order.holders[0], { ...order.holders[1], email: 'ALAN@example.com' }] };
    expect((await admin(s.origin, 'orders', repeated)).json.message).toBe(
      'holders[1].email repeats holders[0].email: each holder needs their own',
    );
    expect((await admin(s.origin, 'orders', { ...order, holders: [] })).json.message).toBe(
      'holders must be an array of 1 to 100 ticket holders',
    );
    expect((await admin(s.origin, 'orders', { ...order, purchaser: { firstName: 'Grace' } })).json.message).toBe(
      'purchaser.lastName is required',
    );
  });

  it('refuses, whole, an order in which one holder names an unknown ticket type', async () => {
    const { sandbox: s, hook: h } = await start('flat');
    const before = s.state.tickets(SPONSOR_DAY).length;
    const bad = { ...order, holders: [order.holders[0], { ...order.holders[1], ticketType: 'Gold' }] };
    const res = await admin(s.origin, 'orders', bad);
    expect(res.status).toBe(400);
    expect(res.json.message).toMatch(/^ticketType "Gold" is not a ticket type of parley-sponsor-day/);
    await s.flush();
    expect(s.state.tickets(SPONSOR_DAY)).toHaveLength(before);
    expect(h.bodies).toEqual([]);
  });
});
