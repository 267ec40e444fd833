/**
 * A record naming several people becomes one mapped payload per person: list elements keep their own
 * person fields and share the record's event, order and topic.
 */
import { describe, expect, it } from 'vitest';
import { expandPeople } from '../../src/intake/expand-people.js';
import { compileMapping, resolveWebhookConfig } from '../../src/intake/webhook-config.js';

const defaults = compileMapping(resolveWebhookConfig());
const withPurchaser = compileMapping(resolveWebhookConfig({ people: { welcomePurchaser: true } }));

const order = {
  topic: 'ticket.purchased',
  eventUrl: 'summit',
  orderId: 9,
  purchaser: { firstName: 'Pat', email: 'pat@example.com' },
  attendees: [
    { barcode: 'A1', email: 'a@example.com', firstName: 'Ann' },
    { barcode: 'B2', email: 'b@example.com' },
  ],
};

describe('expandPeople', () => {
  it('makes one person per list element, each carrying the record’s shared fields', () => {
    const people = expandPeople(order, defaults);
    expect(people.map((p) => [p.person.path, p.fields.attendeeId, p.fields.email])).toEqual([
      ['attendees[0]', 'A1', 'a@example.com'],
      ['attendees[1]', 'B2', 'b@example.com'],
    ]);
    for (const p of people) {
      expect(p).toMatchObject({ topic: 'ticket_purchase', fields: { eventUrl: 'summit', orderId: '9' } });
    }
  });

  it('never gives a holder the purchaser’s name or email', () => {
    const [, second] = expandPeople(order, defaults);
    expect(second!.fields).toMatchObject({ email: 'b@example.com', firstName: null });
  });

  it('adds the purchaser only when welcomePurchaser is on', () => {
    expect(expandPeople(order, defaults)).toHaveLength(2);
    const people = expandPeople(order, withPurchaser);
    expect(people.map((p) => p.person.path)).toEqual(['attendees[0]', 'attendees[1]', 'purchaser']);
    expect(people[2]!.fields).toMatchObject({ email: 'pat@example.com', firstName: 'Pat', eventUrl: 'summit' });
  });

  it('does not add a purchaser who is also a ticket holder', () => {
    const self = { ...order, purchaser: { email: 'A@example.com' } };
    expect(expandPeople(self, withPurchaser)).toHaveLength(2);
  });

  it('reads a record with no list as one person, as a whole', () => {
    const people = expandPeople({ topic: 'attendee.registered', email: 'solo@example.com' }, defaults);
    expect(people).toEqual([expect.objectContaining({ person: { path: '$', index: 0, of: 1 } })]);
    expect(people[0]!.fields.email).toBe('solo@example.com');
  });

  it('passes over a list that names nobody, such as ticket types', () => {
    const record = { topic: 'attendee.registered', email: 'solo@example.com', tickets: [{ name: 'VIP', price: 10 }] };
    expect(expandPeople(record, defaults).map((p) => p.fields.email)).toEqual(['solo@example.com']);
  });
});
