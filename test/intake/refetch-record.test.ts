/**
 * refetchRecord against the Accelevents sandbox over real HTTP: the payload is a hint, the API is the
 * truth (docs/accelevents-assumptions.md). Payloads are the sandbox's own webhook bodies.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AcceleventsError } from '../../src/accelevents/client.js';
import { mapPayload } from '../../src/intake/map-payload.js';
import { refetchRecord } from '../../src/intake/refetch-record.js';
import { compileMapping, resolveWebhookConfig } from '../../src/intake/webhook-config.js';
import type { AcceleventsSandbox } from '../../src/sandbox/accelevents/create-sandbox.js';
import { clientFor, rejection, SUMMIT, startSandbox } from '../accelevents/sandbox-fixture.js';

const mapping = compileMapping(resolveWebhookConfig());
const ADA = {
  eventUrl: SUMMIT,
  firstName: 'Ada',
  lastName: 'Lovelace',
  email: 'ada@example.com',
  phoneNumber: '+14155550100',
};

let sandbox: AcceleventsSandbox;
beforeEach(async () => {
  sandbox = await startSandbox({ attendees: 2 });
});
afterEach(async () => {
  await sandbox.close();
});

/** The body of the sandbox's last webhook (no URL is set, so it is recorded, not sent), mapped. */
function lastMapped() {
  return mapPayload(JSON.parse(sandbox.deliveries.at(-1)!.body), mapping);
}

describe('refetchRecord', () => {
  it('reads a registration back from its order, so the API’s current data wins over the payload', async () => {
    const { ticket, order } = sandbox.state.register({ ...ADA, ticketType: 'VIP' });
    const mapped = mapPayload(
      JSON.parse(sandbox.deliveries.find((d) => d.topic === 'attendee.registered')!.body),
      mapping,
    );
    sandbox.state.updateHolder(SUMMIT, ticket.barcode, {
      attributes: [
        { name: 'First Name', type: 'TEXT', value: 'Augusta' },
        { name: 'Last Name', type: 'TEXT', value: 'King' },
        { name: 'Email', type: 'EMAIL', value: 'augusta@example.com' },
        { name: 'Cell Phone', type: 'TEXT', value: null },
      ],
    });
    const record = await refetchRecord(mapped, clientFor(sandbox));
    expect(record).toEqual({
      sources: ['order'],
      eventUrl: SUMMIT,
      attendeeId: ticket.barcode,
      ticketId: String(ticket.eventTicketingId),
      orderId: String(order.orderId),
      email: 'augusta@example.com',
      firstName: 'Augusta',
      lastName: 'King',
      phone: null,
      ticketType: 'VIP',
      status: 'BOOKED',
      checkedIn: false,
    });
  });

  it('reads a nested check-in from its order, completed by the ticket’s holder data', async () => {
    sandbox.configure({ payloadShape: 'nested' });
    const { ticket } = sandbox.state.register(ADA);
    sandbox.state.checkIn(SUMMIT, ticket.barcode);
    const record = await refetchRecord(lastMapped(), clientFor(sandbox));
    expect(record).toMatchObject({
      sources: ['order', 'holder_data'],
      attendeeId: ticket.barcode,
      ticketId: String(ticket.eventTicketingId),
      email: 'ada@example.com',
      firstName: 'Ada',
      phone: '+14155550100',
      status: 'CHECKED_IN',
    });
  });

  it('reads a check-in that names only the ticket id from the holder data alone', async () => {
    const { ticket } = sandbox.state.register(ADA);
    const mapped = mapPayload(
      { topic: 'attendee.checked_in', eventUrl: SUMMIT, eventTicketingId: ticket.eventTicketingId, email: 'stale@x.y' },
      mapping,
    );
    const record = await refetchRecord(mapped, clientFor(sandbox));
    expect(record).toMatchObject({
      sources: ['holder_data'],
      email: 'ada@example.com',
      lastName: 'Lovelace',
      orderId: null,
    });
  });

  it('names the id a payload lacks for a re-fetch', async () => {
    const client = clientFor(sandbox);
    const noOrder = mapPayload({ topic: 'attendee.registered', eventUrl: SUMMIT, barcode: 'B' }, mapping);
    expect(await rejection(refetchRecord(noOrder, client))).toMatchObject({
      code: 'refetch_missing_ids',
      message:
        'cannot re-fetch a registration webhook: the payload has no orderId (map it in accelevents.webhook.fields)',
    });
  });

  it('answers refetch_not_found when the attendee is not in the order', async () => {
    const client = clientFor(sandbox);
    const { order } = sandbox.state.register(ADA);
    const stranger = mapPayload(
      { topic: 'attendee.registered', eventUrl: SUMMIT, orderId: order.orderId, barcode: 'NOT-HERE' },
      mapping,
    );
    expect(await rejection(refetchRecord(stranger, client))).toMatchObject({ code: 'refetch_not_found' });
  });

  it('refuses to re-fetch a payload of an unrecognised topic', async () => {
    const client = clientFor(sandbox);
    expect(await rejection(refetchRecord(mapPayload({ hello: 1 }, mapping), client))).toMatchObject({
      code: 'refetch_unsupported',
    });
  });

  it('fails with the Accelevents error for an unknown order', async () => {
    const client = clientFor(sandbox);
    const unknownOrder = mapPayload(
      { topic: 'attendee.registered', eventUrl: SUMMIT, orderId: 999999, barcode: 'B' },
      mapping,
    );
    expect(await rejection(refetchRecord(unknownOrder, client))).toBeInstanceOf(AcceleventsError);
  });
});
