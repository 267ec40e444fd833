import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { AcceleventsSandbox } from '../../src/sandbox/accelevents/create-sandbox.js';
import { clientFor, SUMMIT, startSandbox } from '../accelevents/sandbox-fixture.js';

let sandbox: AcceleventsSandbox | undefined;
let receiver: Server | undefined;
afterEach(async () => {
  await sandbox?.close();
  await new Promise((resolve) => (receiver ? receiver.close(resolve) : resolve(undefined)));
  sandbox = undefined;
  receiver = undefined;
});

const NOW = Date.UTC(2026, 2, 10, 15, 7);

/** A real local receiver that records each body and answers `status`. */
async function startReceiver(status = 200): Promise<{ url: string; bodies: any[]; contentTypes: string[] }> {
  const bodies: any[] = [];
  const contentTypes: string[] = [];
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString()));
      contentTypes.push(String(req.headers['content-type']));
      res.statusCode = status;
      res.end();
    });
  });
  await new Promise<void>((resolve) => receiver!.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/accelevents/s3cret`,
    bodies,
    contentTypes,
  };
}

async function admin(path: string, body: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${sandbox!.origin}/sandbox/accelevents/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

const ADA = {
  eventUrl: SUMMIT,
  firstName: 'Ada',
  lastName: 'Lovelace',
  email: 'ada@example.com',
  phoneNumber: '+14155550100',
};

describe('Accelevents sandbox webhooks', () => {
  it('posts the flat payload for each attendee event raised through the admin routes', async () => {
    const hook = await startReceiver();
    sandbox = await startSandbox({ webhookUrl: hook.url, now: () => NOW });

    const registered = await admin('attendees', ADA);
    expect(registered.status).toBe(200);
    const { barcode, orderId } = registered.json;
    expect((await admin('checkins', { eventUrl: SUMMIT, barcode })).status).toBe(200);
    await sandbox.flush();

    const common = {
      eventUrl: SUMMIT,
      eventName: 'Parley Spring Summit 2026',
      barcode,
      orderId,
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ada@example.com',
      phoneNumber: '+14155550100',
      ticketType: 'General Admission',
      purchaseDate: '2026-03-10T15:07:00.000Z',
    };
    expect(hook.bodies).toEqual([
      { topic: 'attendee.registered', ...common, ticketStatus: 'BOOKED' },
      { topic: 'attendee.checked_in', ...common, ticketStatus: 'CHECKED_IN' },
    ]);
    expect(hook.contentTypes).toEqual(['application/json', 'application/json']);
    expect(sandbox.deliveries.map((d) => [d.topic, d.outcome, d.status])).toEqual([
      ['attendee.registered', 'delivered', 200],
      ['attendee.checked_in', 'delivered', 200],
    ]);
  });

  it('posts the nested payload for each event of a paid registration checked in through the API', async () => {
    const hook = await startReceiver();
    sandbox = await startSandbox({ webhookUrl: hook.url, payloadShape: 'nested', now: () => NOW });
    const { ticket } = sandbox.state.register({ ...ADA, ticketType: 'VIP' });
    await clientFor(sandbox).checkIn(SUMMIT, ticket.barcode);
    await sandbox.flush();

    expect(hook.bodies.map((b) => b.type)).toEqual(['REGISTRATION', 'TICKET_PURCHASE', 'CHECK_IN']);
    expect(hook.bodies[1]).toEqual({
      type: 'TICKET_PURCHASE',
      timestamp: '2026-03-10T15:07:00.000Z',
      data: {
        event: { eventId: 101, eventUrl: SUMMIT, eventName: 'Parley Spring Summit 2026' },
        order: {
          orderId: ticket.orderId,
          purchaseDate: '2026-03-10T15:07:00.000Z',
          totalAmount: 199,
          purchaser: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' },
        },
        attendee: {
          barcode: ticket.barcode,
          eventTicketingId: ticket.eventTicketingId,
          userId: ticket.userId,
          firstName: 'Ada',
          lastName: 'Lovelace',
          email: 'ada@example.com',
          phoneNumber: '+14155550100',
          ticketType: 'VIP',
          ticketStatus: 'BOOKED',
        },
      },
    });
    expect(hook.bodies[2].data.attendee.ticketStatus).toBe('CHECKED_IN');
  });

  it('fires an on-demand webhook for an existing attendee in the shape a caller function gives', async () => {
    const hook = await startReceiver();
    sandbox = await startSandbox({
      webhookUrl: hook.url,
      payloadShape: (f) => ({ kind: f.topic, who: f.attendee.email, event: f.event.eventId }),
    });
    const seeded = sandbox.state.tickets(SUMMIT)[0]!;
    const fired = await admin('webhooks', { topic: 'attendee.checked_in', eventUrl: SUMMIT, barcode: seeded.barcode });
    expect(fired.status).toBe(200);
    await sandbox.flush();
    expect(hook.bodies).toEqual([{ kind: 'attendee.checked_in', who: seeded.email, event: 101 }]);
  });

  it('records a delivery as skipped without a URL', async () => {
    sandbox = await startSandbox();
    sandbox.state.register(ADA);
    expect(sandbox.deliveries.at(-1)).toMatchObject({ outcome: 'skipped', url: null });
  });

  /** Points a sandbox started without a URL at a receiver answering 500, then registers an attendee. */
  async function registerAfterSwitchToFailingReceiver() {
    sandbox = await startSandbox();
    const hook = await startReceiver(500);
    const switched = await admin('settings', { webhookUrl: hook.url });
    sandbox.state.register({ ...ADA, email: 'ada2@example.com' });
    await sandbox.flush();
    return { hook, switched };
  }

  it('records a delivery as failed on a non-2xx answer', async () => {
    await registerAfterSwitchToFailingReceiver();
    expect(sandbox!.deliveries.at(-1)).toMatchObject({ outcome: 'failed', status: 500 });
  });

  it('switches the webhook URL at runtime', async () => {
    const { hook, switched } = await registerAfterSwitchToFailingReceiver();
    expect(switched.status).toBe(200);
    expect(hook.bodies).toHaveLength(1);
  });

  it('seeds registrations silently: no webhook for the sample attendees', async () => {
    const hook = await startReceiver();
    sandbox = await startSandbox({ webhookUrl: hook.url, attendees: 5 });
    await sandbox.flush();
    expect(sandbox.deliveries).toEqual([]);
    expect(hook.bodies).toEqual([]);
  });
});

describe('Accelevents sandbox admin routes', () => {
  it('answers 400 naming the field for a bad registration, topic, fault or setting', async () => {
    sandbox = await startSandbox();
    expect(await admin('attendees', { ...ADA, email: '' })).toMatchObject({
      status: 400,
      json: { message: 'email is required' },
    });
    expect((await admin('attendees', { ...ADA, ticketType: 'Gold' })).json.message).toMatch(
      /ticketType "Gold" is not a ticket type/,
    );
    expect((await admin('webhooks', { topic: 'order.created', eventUrl: SUMMIT, barcode: 'x' })).json.message).toMatch(
      /^topic must be one of/,
    );
    expect((await admin('faults', { kind: 200 })).json.message).toMatch(/^kind must be an HTTP status 400-599/);
    expect((await admin('settings', { readAuth: ['cookie'] })).json.message).toMatch(
      /^readAuth must be one or more of/,
    );
    expect((await admin('settings', { attendeesArrayKey: 'rows' })).json.message).toMatch(/^attendeesArrayKey must be/);
    expect(await admin('checkins', { eventUrl: 'nope', barcode: 'x' })).toMatchObject({
      status: 404,
      json: { errorCode: 4040200 },
    });
  });

  async function readInfo(): Promise<any> {
    sandbox = await startSandbox({ attendees: 3 });
    return (await fetch(`${sandbox.origin}/sandbox/accelevents/info`)).json();
  }

  it('lists both sample events with their attendee counts', async () => {
    const info = await readInfo();
    expect(info.events).toEqual([
      { eventId: 101, eventUrl: SUMMIT, eventName: 'Parley Spring Summit 2026', attendees: 3 },
      { eventId: 102, eventUrl: 'parley-sponsor-day', eventName: 'Parley Sponsor Day', attendees: 3 },
    ]);
  });

  it('reports its URL with the auth it accepts', async () => {
    const info = await readInfo();
    expect(info).toMatchObject({
      url: sandbox!.url,
      readAuth: ['authorization', 'bearer', 'key', 'authentication'],
      writeAuth: ['authorization', 'key', 'authentication'],
    });
  });
});
