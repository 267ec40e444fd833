/**
 * The payload mapping on its own: the sandbox's two presets (built by the sandbox's own payload
 * functions), topic aliases and word rules, config overrides, and the paths and form bodies it reads.
 */
import { describe, expect, it } from 'vitest';
import { mapPayload, recognizeTopic } from '../../src/intake/map-payload.js';
import { parseWebhookBody } from '../../src/intake/parse-body.js';
import { compileMapping, resolveWebhookConfig } from '../../src/intake/webhook-config.js';
import { parsePath, readPath } from '../../src/lib/json-path.js';
import { PAYLOAD_SHAPES, type WebhookFacts } from '../../src/sandbox/accelevents/webhook-payloads.js';

const defaults = compileMapping(resolveWebhookConfig());

const facts: WebhookFacts = {
  topic: 'attendee.registered',
  occurredAt: Date.UTC(2026, 2, 10, 15, 7),
  event: { eventId: 812, eventUrl: 'parley-spring-summit', eventName: 'Spring Summit' },
  order: {
    orderId: 5501,
    purchaseDate: '2026-03-10T15:07:00.000Z',
    totalAmount: 0,
    purchaser: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' },
  },
  attendee: {
    barcode: 'BC-1',
    eventTicketingId: 9001,
    userId: 77,
    firstName: 'Ada',
    lastName: 'Lovelace',
    email: 'ada@example.com',
    phoneNumber: '+14155550100',
    ticketType: 'General',
    ticketStatus: 'BOOKED',
  },
};

describe('mapPayload with the default mapping', () => {
  it('maps the flat preset’s registration, naming the path of each field', () => {
    const mapped = mapPayload(PAYLOAD_SHAPES.flat(facts), defaults);
    expect(mapped).toMatchObject({ topic: 'registration', rawTopic: 'attendee.registered', topicBy: 'alias' });
    expect(mapped.fields).toEqual({
      attendeeId: 'BC-1',
      ticketId: null,
      email: 'ada@example.com',
      firstName: 'Ada',
      lastName: 'Lovelace',
      phone: '+14155550100',
      eventUrl: 'parley-spring-summit',
      eventId: null,
      orderId: '5501',
      ticketType: 'General',
      status: 'BOOKED',
      occurredAt: '2026-03-10T15:07:00.000Z',
      // The flat preset carries the event's name at the root once the sandbox sends it.
      eventName: (PAYLOAD_SHAPES.flat(facts) as { eventName?: string }).eventName ?? null,
      sessionId: null,
      sessionName: null,
    });
    expect(mapped.matched).toMatchObject({ topic: 'topic', attendeeId: 'barcode', phone: 'phoneNumber' });
  });

  it('maps the nested preset (REGISTRATION, CHECK_IN, TICKET_PURCHASE under data.*) the same way', () => {
    const checkIn = mapPayload(PAYLOAD_SHAPES.nested({ ...facts, topic: 'attendee.checked_in' }), defaults);
    expect(checkIn).toMatchObject({ topic: 'check_in', rawTopic: 'CHECK_IN', topicBy: 'alias' });
    expect(checkIn.fields).toMatchObject({
      attendeeId: 'BC-1',
      ticketId: '9001',
      email: 'ada@example.com',
      eventUrl: 'parley-spring-summit',
      eventId: '812',
      orderId: '5501',
      status: 'BOOKED',
      occurredAt: '2026-03-10T15:07:00.000Z',
    });
    expect(checkIn.matched).toMatchObject({
      topic: 'type',
      attendeeId: 'data.attendee.barcode',
      orderId: 'data.order.orderId',
    });
    expect(mapPayload(PAYLOAD_SHAPES.nested(facts), defaults).topic).toBe('registration');
    expect(mapPayload(PAYLOAD_SHAPES.nested({ ...facts, topic: 'ticket.purchased' }), defaults).topic).toBe(
      'ticket_purchase',
    );
  });

  const topic = (raw: string) => recognizeTopic(raw, defaults)?.topic ?? null;

  it('recognises a topic by its alias or its words', () => {
    expect(topic('ATTENDEE.REGISTERED')).toBe('registration');
    expect(topic('NewRegistration')).toBe('registration');
    expect(topic('ticket_purchased_v2')).toBe('ticket_purchase');
    expect(topic('attendee-checked-in')).toBe('check_in');
    expect(topic('CHECKIN')).toBe('check_in');
    expect(topic('SESSION_CHECK_IN')).toBe('session_check_in');
    expect(topic('session.checkedIn')).toBe('session_check_in');
  });

  it('recognises a cancellation or refund only as a status change', () => {
    expect(topic('registration.cancelled')).toBe('ticket_status_changed');
    expect(topic('purchase.refunded')).toBe('ticket_status_changed');
    expect(topic('TICKET_STATUS_CHANGED')).toBe('ticket_status_changed');
  });

  it('recognises no topic in an event name parley does not handle', () => {
    expect(topic('attendee.unregistered')).toBeNull();
    expect(topic('session.ended')).toBeNull();
    expect(topic('attendee.deleted')).toBeNull();
    expect(topic('checkout')).toBeNull();
  });

  it('takes the first topic candidate it recognises', () => {
    expect(mapPayload({ type: 'webhook', topic: 'attendee.registered' }, defaults)).toMatchObject({
      topic: 'registration',
      matched: { topic: 'topic' },
    });
    expect(mapPayload({ barcode: 'B' }, defaults, { 'x-accelevents-topic': 'CHECK_IN' })).toMatchObject({
      topic: 'check_in',
      matched: { topic: 'header:x-accelevents-topic' },
    });
  });

  it('reports the first topic seen when none is recognised', () => {
    expect(mapPayload({ type: 'webhook', event: { eventUrl: 'x' } }, defaults)).toMatchObject({
      topic: null,
      rawTopic: 'webhook',
      topicBy: null,
    });
  });

  /** Candidates of every unusable kind, with a number and a padded email as the usable ones. */
  const oddCandidates = () =>
    mapPayload(
      {
        topic: 'registration',
        barcode: { nested: true },
        barcodeId: 'B\u0000',
        eventTicketingId: 42,
        email: '   ',
        emailAddress: 'x'.repeat(2000),
        holderEmail: ' b@c.d ',
        orderId: true,
      },
      defaults,
    );

  it('skips candidates holding objects, booleans, blank, over-long or NUL-holding strings', () => {
    const mapped = oddCandidates();
    expect(mapped.fields).toMatchObject({ email: 'b@c.d', orderId: null });
    expect(mapped.matched).toMatchObject({ attendeeId: 'eventTicketingId', email: 'holderEmail' });
  });

  it('reads a number candidate as text', () => {
    expect(oddCandidates().fields).toMatchObject({ attendeeId: '42', ticketId: '42' });
  });
});

describe('mapping configuration', () => {
  const mapping = compileMapping(
    resolveWebhookConfig({
      fields: { email: ['contact.mail', 'attendees[0].email'] },
      topic: { paths: ['kind'], aliases: { 'Buyer Joined': 'registration' }, matchWords: false },
    }),
  );
  const mapConfigured = () =>
    mapPayload(
      { kind: 'buyer joined', email: 'ignored@x.y', attendees: [{ email: 'first@x.y' }], barcode: 'B2' },
      mapping,
    );

  it('uses a configured candidate list instead of the default', () => {
    const mapped = mapConfigured();
    expect(mapped.fields).toMatchObject({ email: 'first@x.y', attendeeId: 'B2' });
    expect(mapped.matched.email).toBe('attendees[0].email');
  });

  it('merges configured aliases over the defaults', () => {
    expect(mapConfigured()).toMatchObject({ topic: 'registration', topicBy: 'alias' });
    expect(recognizeTopic('attendee.registered', mapping)?.topic).toBe('registration');
  });

  it('recognises no topic by its words when matchWords is off', () => {
    expect(recognizeTopic('NewRegistration', mapping)).toBeNull();
  });

  it('refuses a bad path in settings built in code, naming the key', () => {
    expect(() => compileMapping(resolveWebhookConfig({ fields: { phone: ['ok', 'a..b'] } }))).toThrow(
      'accelevents.webhook.fields.phone[1]: expected a dotted JSON path',
    );
  });

  it('parses dotted paths with indexes', () => {
    expect(parsePath('a.b[2][0].c')).toEqual(['a', 'b', 2, 0, 'c']);
    expect(parsePath('items.0.email')).toEqual(['items', 0, 'email']);
    for (const bad of ['', 'a..b', '.a', 'a[x]', 'a b', 'a[1']) expect(parsePath(bad)).toBeNull();
  });

  it('reads own properties only along a path', () => {
    expect(readPath({ a: [{ b: 'x' }] }, ['a', 0, 'b'])).toBe('x');
    expect(readPath({ a: { 0: 'y' } }, ['a', 0])).toBe('y');
    expect(readPath({}, ['__proto__', 'constructor'])).toBeUndefined();
    expect(readPath({ a: 'str' }, ['a', 'length'])).toBeUndefined();
  });
});

describe('parseWebhookBody', () => {
  const body = (text: string) => Buffer.from(text);

  it('reads bracketed form fields into the nested shape the mapping paths expect', () => {
    const parsed = parseWebhookBody(
      body('topic=attendee.registered&attendee[email]=a%40b.c&attendee[barcode]=B9&tags[]=x&tags[]=y&__proto__[p]=1'),
      'application/x-www-form-urlencoded; charset=utf-8',
    );
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(JSON.parse(JSON.stringify(parsed.records[0]))).toEqual(
      JSON.parse(
        '{"topic":"attendee.registered","attendee":{"email":"a@b.c","barcode":"B9"},"tags":["x","y"],"__proto__":{"p":"1"}}',
      ),
    );
    expect(({} as Record<string, unknown>)['p']).toBeUndefined();
    expect(mapPayload(parsed.records[0], defaults).fields).toMatchObject({ email: 'a@b.c', attendeeId: 'B9' });
  });

  it('reads a JSON body sent as text/plain as JSON', () => {
    expect(parseWebhookBody(body('{"topic":"attendee.registered"}'), 'text/plain')).toMatchObject({
      ok: true,
      format: 'json',
      records: [{ topic: 'attendee.registered' }],
    });
  });

  it('reads a JSON body sent with a form content type as JSON', () => {
    expect(parseWebhookBody(body(' {"a":1}'), 'application/x-www-form-urlencoded')).toMatchObject({
      ok: true,
      format: 'json',
    });
  });

  it('reads a top-level array as a batch of records', () => {
    expect(parseWebhookBody(body('[{"a":1},{"b":2}]'), 'application/json')).toMatchObject({
      ok: true,
      format: 'json-array',
      records: [{ a: 1 }, { b: 2 }],
    });
  });

  it('refuses an array element that is not an object, naming its index', () => {
    expect(parseWebhookBody(body('[{"a":1},2]'), 'application/json')).toMatchObject({
      status: 400,
      message: 'record [1] of the body must be a JSON object, got a number',
    });
  });

  it('answers 415 for a body that is neither JSON nor a form', () => {
    expect(parseWebhookBody(body('x'), 'text/plain')).toMatchObject({ ok: false, status: 415 });
    expect(parseWebhookBody(body('a=1'), undefined)).toMatchObject({ ok: false, status: 415 });
    expect(parseWebhookBody(body('<xml/>'), 'application/xml')).toMatchObject({ ok: false, status: 415 });
  });

  it('answers 400 naming the problem for empty, broken, scalar or NUL bodies', () => {
    expect(parseWebhookBody(body('{"a":1}'), undefined)).toMatchObject({ ok: true, format: 'json' });
    expect(parseWebhookBody(body(''), 'application/json')).toMatchObject({
      status: 400,
      message: 'the body is empty; expected a JSON object or form fields',
    });
    expect(parseWebhookBody(body('{"a":'), 'application/json')).toMatchObject({
      status: 400,
      error: 'invalid_json',
      message: expect.stringMatching(/^the body is not valid JSON: /),
    });
    expect(parseWebhookBody(body('[]'), 'application/json')).toMatchObject({
      message: 'the body is an empty array; expected at least one record',
    });
    expect(parseWebhookBody(body('3'), 'application/json')).toMatchObject({
      message: 'the body must be a JSON object or an array of objects, got a number',
    });
    expect(parseWebhookBody(body('a=\u0000'), 'application/x-www-form-urlencoded')).toMatchObject({
      message: 'the body contains a NUL byte',
    });
    expect(parseWebhookBody(Buffer.from([0x7b, 0xff, 0x7d]), 'application/json')).toMatchObject({
      message: 'the body is not valid UTF-8',
    });
  });
});
