/**
 * Re-reads what a webhook claims from the Accelevents REST API (https://developer.accelevents.com/reference)
 * before anything acts on it (`accelevents.webhook.refetch`): the payload is an unsigned, undocumented
 * hint (docs/accelevents-assumptions.md), so names, email, phone and ticket status come from the record
 * instead. Registrations and purchases: the order by id. Check-ins: the holder data by ticket id, plus
 * the order when the payload names one (for the ticket id and the check-in status). Called by the job
 * handler, never inside the webhook request. API failures propagate as AcceleventsError.
 */
import type { AcceleventsClient } from '../accelevents/client.js';
import type { AcceleventsAttendee, AcceleventsHolderData } from '../accelevents/types.js';
import { IntakeError } from './intake-error.js';
import type { MappedPayload } from './map-payload.js';

export interface RefetchedRecord {
  /** What was read: the order, the holder data, or both. */
  sources: ('order' | 'holder_data')[];
  eventUrl: string;
  /** The barcode when the record has one. */
  attendeeId: string | null;
  ticketId: string | null;
  orderId: string | null;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  phone: string | null;
  ticketType: string | null;
  status: string | null;
  checkedIn: boolean | null;
}

export type RefetchClient = Pick<AcceleventsClient, 'getOrder' | 'getHolderData'>;

function need(value: string | null, what: string, topic: string): string {
  if (value === null) {
    throw new IntakeError(
      'refetch_missing_ids',
      `cannot re-fetch a ${topic} webhook: the payload has no ${what} (map it in accelevents.webhook.fields)`,
    );
  }
  return value;
}

/** The order's holder the payload is about: by barcode or ticket id, else by email, else the only one. */
function holderIn(attendees: AcceleventsAttendee[], mapped: MappedPayload): AcceleventsAttendee | null {
  const { attendeeId, ticketId, email } = mapped.fields;
  const ids = new Set([attendeeId, ticketId].filter((v): v is string => v !== null));
  const byId = attendees.find((a) =>
    [a.barcode, a.eventTicketingId, a.attendeeId].some((v) => v !== null && ids.has(v)),
  );
  if (byId) return byId;
  if (ids.size === 0 && email) {
    const byEmail = attendees.filter((a) => a.email?.toLowerCase() === email.toLowerCase());
    if (byEmail.length === 1) return byEmail[0]!;
  }
  return ids.size === 0 && attendees.length === 1 ? attendees[0]! : null;
}

/** Accelevents' standard holder attributes, by name; names are compared case-insensitively. */
function attribute(holder: AcceleventsHolderData, ...names: string[]): string | null {
  const wanted = names.map((n) => n.toLowerCase());
  const found = holder.attributes.find((a) => wanted.includes(a.name.toLowerCase()) && a.value);
  return found?.value ?? null;
}

export async function refetchRecord(mapped: MappedPayload, client: RefetchClient): Promise<RefetchedRecord> {
  const topic = mapped.topic;
  if (topic === null) {
    throw new IntakeError('refetch_unsupported', 'cannot re-fetch a webhook whose topic was not recognised');
  }
  const eventUrl = need(mapped.fields.eventUrl, 'eventUrl', topic);
  const sources: RefetchedRecord['sources'] = [];
  let holder: AcceleventsAttendee | null = null;

  if (topic !== 'check_in' || mapped.fields.orderId !== null) {
    const orderId = need(mapped.fields.orderId, 'orderId', topic);
    const order = await client.getOrder(eventUrl, orderId);
    sources.push('order');
    holder = holderIn(order.attendees, mapped);
    if (!holder) {
      throw new IntakeError(
        'refetch_not_found',
        `order ${orderId} of ${eventUrl} has no ticket holder matching the webhook's attendee (barcode, ticket id or email)`,
      );
    }
  }
  const record: RefetchedRecord = {
    sources,
    eventUrl,
    attendeeId: holder?.barcode ?? holder?.attendeeId ?? mapped.fields.attendeeId,
    ticketId: holder?.eventTicketingId ?? mapped.fields.ticketId,
    orderId: holder?.orderId ?? mapped.fields.orderId,
    email: holder?.email ?? null,
    firstName: holder?.firstName ?? null,
    lastName: holder?.lastName ?? null,
    phone: holder?.phoneNumber ?? null,
    ticketType: holder?.ticketType ?? null,
    status: holder?.ticketStatus ?? holder?.status ?? null,
    checkedIn: holder?.checkedIn ?? null,
  };
  if (topic !== 'check_in') return record;

  const ticketId = need(record.ticketId, 'ticket id (eventTicketingId)', topic);
  const data = await client.getHolderData(eventUrl, ticketId);
  sources.push('holder_data');
  return {
    ...record,
    ticketId: data.eventTicketingId ?? ticketId,
    email: attribute(data, 'Email', 'Email Address') ?? record.email,
    firstName: attribute(data, 'First Name') ?? record.firstName,
    lastName: attribute(data, 'Last Name') ?? record.lastName,
    phone: attribute(data, 'Cell Phone', 'Phone', 'Phone Number', 'Mobile') ?? record.phone,
  };
}
