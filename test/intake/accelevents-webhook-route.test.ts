/**
 * POST /hooks/accelevents/:secret on both databases: the Accelevents sandbox's own deliveries (flat and
 * nested presets) over a real socket, then app.inject for the edges: the secret, body types, dedupe,
 * ignored topics, stored headers, and a failing enqueue that must leave nothing behind.
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { ACCELEVENTS_EVENT_JOB } from '../../src/intake/accelevents-webhook-route.js';
import { verifyWebhookSecret } from '../../src/intake/webhook-secret.js';
import { PRIORITY } from '../../src/lib/priority-lanes.js';
import type { AcceleventsSandbox } from '../../src/sandbox/accelevents/create-sandbox.js';
import { SUMMIT, startSandbox } from '../accelevents/sandbox-fixture.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { buildIntakeApp, clearPipeline, type IntakeApp, inboxRows, jobRows } from './intake-app.js';

const ADA = {
  eventUrl: SUMMIT,
  firstName: 'Ada',
  lastName: 'Lovelace',
  email: 'ada@example.com',
  phoneNumber: '+14155550100',
};
const json = { 'content-type': 'application/json' };

describeEachDatabase('POST /hooks/accelevents/:secret', (getStore) => {
  let intake: IntakeApp;
  let sandbox: AcceleventsSandbox;

  beforeAll(async () => {
    intake = await buildIntakeApp(getStore());
    await intake.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = intake.app.server.address() as AddressInfo;
    sandbox = await startSandbox({ webhookUrl: `http://127.0.0.1:${port}${intake.path}`, attendees: 0 });
  });
  afterAll(async () => {
    await sandbox?.close();
    await intake?.app.close();
  });
  beforeEach(async () => {
    intake.queue.failAfterInsert = false;
    sandbox.configure({ payloadShape: 'flat' });
    await clearPipeline(getStore());
  });

  const post = (payload: string | Buffer, headers: Record<string, string> = json, path = intake.path) =>
    intake.app.inject({ method: 'POST', url: path, headers, payload });

  /** A VIP registration in the sandbox, delivered flat over the socket: a registration and a purchase. */
  async function registerVip() {
    const { ticket, order } = sandbox.state.register({ ...ADA, ticketType: 'VIP' });
    await sandbox.flush();
    expect(sandbox.deliveries.slice(-2).map((d) => [d.topic, d.status])).toEqual([
      ['attendee.registered', 202],
      ['ticket.purchased', 202],
    ]);
    return { ticket, order, rows: await inboxRows(getStore()) };
  }

  it('stores both deliveries of a sandbox registration received over a real socket', async () => {
    const { ticket, order, rows } = await registerVip();
    expect(rows.map((r) => [r.topic, r.status, r.content_type])).toEqual([
      ['registration', 'received', 'application/json'],
      ['ticket_purchase', 'received', 'application/json'],
    ]);
    expect(rows[0]!.body).toBe(sandbox.deliveries.at(-2)!.body);
    expect(rows[0]!.mapped.fields).toMatchObject({
      attendeeId: ticket.barcode,
      email: 'ada@example.com',
      firstName: 'Ada',
      lastName: 'Lovelace',
      phone: '+14155550100',
      eventUrl: SUMMIT,
      orderId: String(order.orderId),
      ticketType: 'VIP',
      status: 'BOOKED',
    });
    expect(rows[0]!.mapped).toMatchObject({
      format: 'json',
      dedupeBasis: 'fields',
      matched: { topic: 'topic', attendeeId: 'barcode' },
    });
    expect(rows[0]!.dedupe_key).toBe(`fields:registration|event=${SUMMIT}|attendee=${ticket.barcode}|status=BOOKED`);
  });

  it('enqueues one welcome-lane job for each delivery of a sandbox registration', async () => {
    const { rows } = await registerVip();
    const jobs = await jobRows(getStore(), ACCELEVENTS_EVENT_JOB);
    expect(jobs.map((j) => [j.payload.inboxId, j.priority, j.dedupe_key]).sort()).toEqual(
      [
        [rows[0]!.id, PRIORITY.welcome, `inbox:${rows[0]!.id}`],
        // A purchase welcomes its ticket holder, so it rides the welcome lane too.
        [rows[1]!.id, PRIORITY.welcome, `inbox:${rows[1]!.id}`],
      ].sort(),
    );
  });

  for (const shape of ['flat', 'nested'] as const) {
    it(`stores the sandbox’s ${shape} order of three ticket holders as three rows, one per holder`, async () => {
      sandbox.configure({ payloadShape: shape });
      const holders = ['h1', 'h2', 'h3'].map((n) => ({ firstName: n, lastName: 'Holder', email: `${n}@example.com` }));
      const { tickets } = sandbox.state.placeOrder({
        eventUrl: SUMMIT,
        purchaser: { firstName: 'Pat', lastName: 'Buyer', email: 'pat@example.com' },
        holders,
      });
      await sandbox.flush();
      const rows = await inboxRows(getStore());
      expect(rows.map((r) => [r.topic, r.status, r.mapped.fields.email, r.mapped.fields.attendeeId])).toEqual(
        tickets.map((t, i) => ['ticket_purchase', 'received', holders[i]!.email, t.barcode]),
      );
      expect(new Set(rows.map((r) => r.dedupe_key)).size).toBe(3);
      expect(await jobRows(getStore(), ACCELEVENTS_EVENT_JOB)).toHaveLength(3);
    });
  }

  for (const shape of ['flat', 'nested'] as const) {
    it(`maps the sandbox’s ${shape} session check-in to its topic, with the session`, async () => {
      sandbox.configure({ payloadShape: shape });
      const { ticket } = sandbox.state.register(ADA);
      const { session } = sandbox.state.checkInSession(
        SUMMIT,
        ticket.barcode,
        sandbox.state.event(SUMMIT).sessions[0]!.sessionId,
      );
      await sandbox.flush();
      const rows = await inboxRows(getStore());
      const sessionRow = rows.find((r) => r.topic === 'session_check_in');
      expect(sessionRow?.mapped.fields).toMatchObject({
        attendeeId: ticket.barcode,
        sessionId: String(session.sessionId),
        sessionName: session.title,
      });
    });

    it(`maps the sandbox’s ${shape} refund to its topic`, async () => {
      sandbox.configure({ payloadShape: shape });
      const { ticket } = sandbox.state.register(ADA);
      sandbox.state.changeTicketStatus(SUMMIT, ticket.barcode, 'REFUNDED');
      await sandbox.flush();
      const rows = await inboxRows(getStore());
      expect(rows.find((r) => r.topic === 'ticket_status_changed')?.mapped.fields).toMatchObject({
        attendeeId: ticket.barcode,
        status: 'REFUNDED',
      });
    });
  }

  it('maps the sandbox’s nested check-in to check_in with the attendee under data.*', async () => {
    const { ticket } = sandbox.state.register(ADA);
    sandbox.configure({ payloadShape: 'nested' });
    sandbox.state.checkIn(SUMMIT, ticket.barcode);
    await sandbox.flush();
    const rows = await inboxRows(getStore());
    const checkIn = rows.find((r) => r.topic === 'check_in')!;
    expect(checkIn.mapped).toMatchObject({
      rawTopic: 'CHECK_IN',
      fields: {
        attendeeId: ticket.barcode,
        ticketId: String(ticket.eventTicketingId),
        status: 'CHECKED_IN',
        eventUrl: SUMMIT,
      },
      matched: { topic: 'type', attendeeId: 'data.attendee.barcode' },
    });
    expect(
      (await jobRows(getStore(), ACCELEVENTS_EVENT_JOB)).find((j) => j.payload.inboxId === checkIn.id)?.priority,
    ).toBe(PRIORITY.automation);
  });

  it('dedupes a redelivered webhook, even reworded, to its first delivery', async () => {
    const body = JSON.stringify({ topic: 'attendee.registered', barcode: 'DUP-1', eventUrl: SUMMIT, email: 'd@x.y' });
    const first = await post(body);
    expect(first.statusCode).toBe(202);
    expect(first.json()).toMatchObject({ accepted: true, id: expect.any(String), topic: 'registration' });
    const again = await post(body);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ duplicate: true, id: first.json().id });
    // Same attendee, event and status in a different body (another delivery of the same fact): still a duplicate.
    const reworded = await post(
      JSON.stringify({ type: 'REGISTRATION', data: { attendee: { barcode: 'DUP-1' }, event: { eventUrl: SUMMIT } } }),
    );
    expect(reworded.json()).toMatchObject({ duplicate: true });
    expect(await inboxRows(getStore())).toHaveLength(1);
    expect(await jobRows(getStore(), ACCELEVENTS_EVENT_JOB)).toHaveLength(1);
  });

  it('dedupes a concurrently repeated webhook to one delivery', async () => {
    const burst = await Promise.all(
      Array.from({ length: 8 }, () => post(JSON.stringify({ topic: 'CHECK_IN', barcode: 'DUP-2' }))),
    );
    expect(burst.filter((r) => r.statusCode === 202)).toHaveLength(1);
    expect(burst.filter((r) => r.statusCode === 200)).toHaveLength(7);
    expect(await inboxRows(getStore())).toHaveLength(1);
    expect(await jobRows(getStore(), ACCELEVENTS_EVENT_JOB)).toHaveLength(1);
  });

  it('answers a wrong, empty or longer secret with the app’s ordinary 404, before reading the body, storing nothing', async () => {
    const unknownRoute = await post('{}', json, '/no/such/route');
    for (const path of [
      `/hooks/accelevents/${intake.secret.slice(0, -1)}x`,
      '/hooks/accelevents/',
      `/hooks/accelevents/${'a'.repeat(99)}`,
    ]) {
      const res = await post('{"topic":"attendee.registered","barcode":"B"}', json, path);
      expect(res.statusCode).toBe(404);
      expect(Object.keys(res.json()).sort()).toEqual(Object.keys(unknownRoute.json()).sort());
      expect(res.json().error).toBe(unknownRoute.json().error);
    }
    // A body too large or of the wrong type would get 413 / 415 at the real path; here it is still 404.
    expect(
      (await post(Buffer.alloc(2 * 1024 * 1024, 0x61), { 'content-type': 'text/plain' }, '/hooks/accelevents/nope'))
        .statusCode,
    ).toBe(404);
    expect(await inboxRows(getStore())).toEqual([]);
    expect(await verifyWebhookSecret(getStore().db, intake.secret)).toBe(true);
    expect(await verifyWebhookSecret(getStore().db, `${intake.secret}x`)).toBe(false);
    expect(await verifyWebhookSecret(getStore().db, undefined)).toBe(false);
  });

  it('stores nothing, answering 503, when the enqueue fails inside the transaction', async () => {
    intake.queue.failAfterInsert = true;
    const res = await post(JSON.stringify({ topic: 'attendee.registered', barcode: 'ROLLBACK-1' }));
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ error: 'intake_unavailable' });
    expect(await inboxRows(getStore())).toEqual([]);
    expect(await jobRows(getStore(), ACCELEVENTS_EVENT_JOB)).toEqual([]);
  });

  it('accepts the sender’s retry of a delivery whose enqueue failed', async () => {
    intake.queue.failAfterInsert = true;
    await post(JSON.stringify({ topic: 'attendee.registered', barcode: 'ROLLBACK-1' }));
    intake.queue.failAfterInsert = false;
    expect((await post(JSON.stringify({ topic: 'attendee.registered', barcode: 'ROLLBACK-1' }))).statusCode).toBe(202);
  });

  it('maps the bracketed fields of a form-encoded body', async () => {
    const res = await post(
      'topic=attendee.registered&attendee[barcode]=FORM-1&attendee[email]=f%40x.y&eventUrl=' + SUMMIT,
      {
        'content-type': 'application/x-www-form-urlencoded',
      },
    );
    expect(res.statusCode).toBe(202);
    const [row] = await inboxRows(getStore());
    expect(row!.mapped).toMatchObject({
      format: 'form',
      topic: 'registration',
      fields: { attendeeId: 'FORM-1', email: 'f@x.y', eventUrl: SUMMIT },
      matched: { attendeeId: 'attendee.barcode' },
    });
  });

  it('keeps a payload whose topic it cannot recognise as ignored with its reason, no job, keyed by its body hash', async () => {
    const res = await post(JSON.stringify({ kind: 'mystery', hello: 'world' }));
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({
      accepted: true,
      topic: null,
      deliveries: [{ reasonCode: 'topic_not_recognised' }],
    });
    const [row] = await inboxRows(getStore());
    expect(row).toMatchObject({
      status: 'ignored',
      topic: null,
      reason_code: 'topic_not_recognised',
      reason: expect.stringContaining('no topic was found is not recognised'),
      dedupe_key: expect.stringMatching(/^body-sha256:[0-9a-f]{64}$/),
    });
    expect(await jobRows(getStore(), ACCELEVENTS_EVENT_JOB)).toEqual([]);
  });

  it('keeps a refund that names no attendee as ignored, with the reason no_attendee', async () => {
    const refund = await post(JSON.stringify({ topic: 'order.refunded', orderId: 5 }));
    expect(refund.statusCode).toBe(202);
    expect((await inboxRows(getStore()))[0]).toMatchObject({
      status: 'ignored',
      topic: 'ticket_status_changed',
      reason_code: 'no_attendee',
    });
    expect(await jobRows(getStore(), ACCELEVENTS_EVENT_JOB)).toEqual([]);
  });

  it('answers 415 to a body that is neither JSON nor a form, storing nothing', async () => {
    const plain = await post('topic=x', { 'content-type': 'text/plain' });
    expect(plain.statusCode).toBe(415);
    expect(plain.json()).toEqual({
      error: 'unsupported_media_type',
      message:
        'expected a JSON body (any content type) or application/x-www-form-urlencoded; got text/plain that is not JSON',
    });
    expect(await inboxRows(getStore())).toEqual([]);
  });

  it('answers 400 invalid_json to a body that is not valid JSON, storing nothing', async () => {
    const broken = await post('{"topic":');
    expect(broken.statusCode).toBe(400);
    expect(broken.json()).toMatchObject({ error: 'invalid_json', message: expect.stringContaining('not valid JSON') });
    expect(await inboxRows(getStore())).toEqual([]);
  });

  it('names the record of the body that is not a JSON object, storing nothing', async () => {
    expect((await post('[1,2]')).json()).toMatchObject({
      message: 'record [0] of the body must be a JSON object, got a number',
    });
    expect(await inboxRows(getStore())).toEqual([]);
  });

  it('answers invalid_body to an empty body, storing nothing', async () => {
    expect((await post('')).json()).toMatchObject({ error: 'invalid_body' });
    expect(await inboxRows(getStore())).toEqual([]);
  });

  it('answers 413 to a body over the size limit, storing nothing', async () => {
    const tooBig = await post(JSON.stringify({ topic: 'attendee.registered', junk: 'x'.repeat(1024 * 1024) }));
    expect(tooBig.statusCode).toBe(413);
    expect(await inboxRows(getStore())).toEqual([]);
  });

  it('keeps headers but never cookies, authorization or key-like headers', async () => {
    await post(JSON.stringify({ topic: 'attendee.registered', barcode: 'HDR-1' }), {
      ...json,
      cookie: 'session=abc',
      authorization: 'Bearer nope',
      key: 'ae-api-key',
      'x-webhook-token': 't',
      'x-request-id': 'req-1',
    });
    const [row] = await inboxRows(getStore());
    expect(row!.headers).toMatchObject({ 'x-request-id': 'req-1', 'content-type': 'application/json' });
    for (const name of ['cookie', 'authorization', 'key', 'x-webhook-token'])
      expect(row!.headers).not.toHaveProperty(name);
  });
});
