/**
 * Every attendee in every payload shape ends welcomed exactly once, or in the inbox with a reason;
 * never neither. Deliveries go over real HTTP to parley's intake route, the worker runs the built-in
 * registration welcome against the HighLevel sandbox, on both databases. The shapes are the ones an
 * event platform might plausibly send (docs/accelevents-assumptions.md lists them with how each is
 * handled).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/databases.js';
import { type SandboxHandle, withSandbox } from '../helpers/sandbox.js';
import { drained, EVENT_URL, startPipelineWorld } from './pipeline-world.js';

let handle: SandboxHandle;
beforeAll(async () => {
  handle = await withSandbox({ attendees: 1, burstLimit: 1_000, burstIntervalMs: 1_000, dailyLimit: 10_000_000 });
});
afterAll(async () => {
  await handle.close();
});

const JSON_TYPE = { 'content-type': 'application/json' };

interface Delivery {
  shape: string;
  body: string;
  headers?: Record<string, string>;
}

/** Deliveries in many shapes; `welcomed` are the emails that must get one welcome each. */
function deliveries(tag: string) {
  const email = (name: string) => `${name}.${tag}@example.com`;
  const person = (name: string, barcode: string) => ({
    firstName: name,
    lastName: 'Tester',
    email: email(name),
    barcode: `${tag}-${barcode}`,
  });
  const list: Delivery[] = [
    {
      shape: 'flat camelCase',
      body: JSON.stringify({ topic: 'attendee.registered', eventUrl: EVENT_URL, ...person('flat', 'B1') }),
    },
    {
      shape: 'nested data.attendee, upper-case type',
      body: JSON.stringify({
        type: 'REGISTRATION',
        data: { attendee: person('nested', 'B2'), event: { eventUrl: EVENT_URL, eventName: 'Nested Summit' } },
      }),
    },
    {
      shape: 'snake_case',
      body: JSON.stringify({
        event_type: 'attendee_registered',
        event_url: EVENT_URL,
        first_name: 'snake',
        last_name: 'Case',
        email: email('snake'),
        attendee_id: `${tag}-B3`,
      }),
    },
    {
      shape: 'attendee list',
      body: JSON.stringify({
        topic: 'attendee.registered',
        eventUrl: EVENT_URL,
        attendees: [person('list1', 'L1'), person('list2', 'L2'), person('list3', 'L3')],
      }),
    },
    {
      shape: 'order with ticket holders and a purchaser (nested)',
      body: JSON.stringify({
        type: 'TICKET_PURCHASE',
        data: {
          event: { eventUrl: EVENT_URL },
          order: {
            orderId: 501,
            purchaser: { firstName: 'buyer', lastName: 'Tester', email: email('buyer') },
            tickets: [person('holder1', 'H1'), person('holder2', 'H2')],
          },
        },
      }),
    },
    ...['share1', 'share2', 'share3'].map((name, i) => ({
      shape: 'one delivery per ticket holder sharing an order id',
      body: JSON.stringify({ topic: 'ticket.purchased', eventUrl: EVENT_URL, orderId: 777, ...person(name, `S${i}`) }),
    })),
    {
      shape: 'form-encoded',
      body: `topic=attendee.registered&eventUrl=${EVENT_URL}&attendee[email]=${encodeURIComponent(email('form'))}&attendee[barcode]=${tag}-F1&attendee[firstName]=form`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    },
    {
      shape: 'JSON sent as text/plain',
      body: JSON.stringify({ topic: 'attendee.registered', eventUrl: EVENT_URL, ...person('plain', 'P1') }),
      headers: { 'content-type': 'text/plain' },
    },
    {
      shape: 'top-level array of records',
      body: JSON.stringify([
        { topic: 'attendee.registered', eventUrl: EVENT_URL, ...person('array1', 'A1') },
        { topic: 'attendee.registered', eventUrl: EVENT_URL, ...person('array2', 'A2') },
      ]),
    },
    {
      shape: 'unknown topic',
      body: JSON.stringify({ topic: 'attendee.badge_printed', eventUrl: EVENT_URL, ...person('badge', 'U1') }),
    },
    {
      shape: 'refunded ticket',
      body: JSON.stringify({
        topic: 'attendee.registered',
        eventUrl: EVENT_URL,
        ticketStatus: 'REFUNDED',
        ...person('refunded', 'R1'),
      }),
    },
    {
      shape: 'registration naming nobody',
      body: JSON.stringify({ topic: 'attendee.registered', eventUrl: EVENT_URL, note: 'no person here' }),
    },
  ];
  const welcomed = [
    'flat',
    'nested',
    'snake',
    'list1',
    'list2',
    'list3',
    'holder1',
    'holder2',
    'share1',
    'share2',
    'share3',
    'form',
    'plain',
    'array1',
    'array2',
  ].map(email);
  const notWelcomed = ['buyer', 'badge', 'refunded'].map(email);
  // Arrives after the registration's run finished (a run in flight is resumed, not duplicated).
  const later: Delivery = {
    shape: 'a purchase for a person already registered',
    body: JSON.stringify({ topic: 'ticket.purchased', eventUrl: EVENT_URL, ...person('flat', 'B1') }),
  };
  return { list, later, welcomed, notWelcomed };
}

describeEachDatabase('payload shapes end to end', (getStore) => {
  it('welcomes every attendee of every shape exactly once, or keeps the delivery with a reason', async () => {
    const store = getStore();
    const world = await startPipelineWorld(store, handle);
    const state = handle.sandbox.domain!.state;
    const { list, later, welcomed, notWelcomed } = deliveries(`shape-${store.dialect}`);
    try {
      for (const delivery of [...list, later]) {
        if (delivery === later) await drained(world.pipeline);
        const res = await fetch(world.hookUrl, {
          method: 'POST',
          headers: delivery.headers ?? JSON_TYPE,
          body: delivery.body,
        });
        expect([200, 202], `${delivery.shape}: ${await res.text()}`).toContain(res.status);
      }
      await drained(world.pipeline);

      const outbound = state.messages.inLocation(world.locationId).filter((m) => m.direction === 'outbound');
      for (const email of welcomed) {
        const contact = state.contacts.findByEmail(world.locationId, email);
        expect(contact, `${email} has a contact`).toBeDefined();
        expect(
          outbound.filter((m) => m.contactId === contact!.id),
          `${email} has one welcome`,
        ).toHaveLength(1);
      }
      for (const email of notWelcomed) {
        const contact = state.contacts.findByEmail(world.locationId, email);
        const sent = contact ? outbound.filter((m) => m.contactId === contact.id) : [];
        expect(sent, `${email} gets no welcome`).toHaveLength(0);
      }

      const rows = await store.db.selectFrom('inbox').selectAll().where('source', '=', 'accelevents').execute();
      // Nothing is left unsettled, and nothing is settled without a run or a reason.
      for (const row of rows) {
        expect(['processed', 'ignored'], `${row.id} ${row.status} ${row.error}`).toContain(row.status);
        if (row.status === 'ignored') expect(row.reason_code, row.body).not.toBeNull();
      }
      const reasons = rows.filter((r) => r.status === 'ignored').map((r) => r.reason_code);
      expect(reasons.sort()).toEqual(['duplicate', 'no_attendee', 'ticket_inactive', 'topic_not_recognised']);
      const welcomeRows = rows.filter((r) => r.status === 'processed');
      expect(welcomeRows).toHaveLength(welcomed.length);
    } finally {
      await world.close();
    }
  });
});
