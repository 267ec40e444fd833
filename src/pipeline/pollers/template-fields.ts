/**
 * The template scope a poller-started run sees (src/workflows/triggers.ts: `session.ended` fills
 * `session`, `event` and `attendee`), with the field names the built-in workflows use
 * (`attendee.firstName`, `attendee.phone`, `event.key`, `event.name`).
 */
import type { AcceleventsAttendee, AcceleventsEventDetails, AcceleventsSession } from '../../accelevents/types.js';

/** The attendee's stable id: the barcode first, as intake's mapping prefers it (src/intake/default-mapping.ts). */
export function attendeeKey(attendee: AcceleventsAttendee): string | null {
  return attendee.barcode ?? attendee.eventTicketingId ?? attendee.attendeeId ?? attendee.userId ?? null;
}

export function attendeeFields(attendee: AcceleventsAttendee): Record<string, unknown> {
  return {
    id: attendeeKey(attendee),
    email: attendee.email,
    phone: attendee.phoneNumber,
    firstName: attendee.firstName,
    lastName: attendee.lastName,
    ticketType: attendee.ticketType,
    ticketId: attendee.eventTicketingId,
    orderId: attendee.orderId,
    status: attendee.ticketStatus ?? attendee.status,
  };
}

export interface EventFields {
  key: string;
  id: string | null;
  name: string | null;
  timeZone: string;
}

export function eventFields(details: AcceleventsEventDetails): EventFields {
  return { key: details.eventUrl, id: details.eventId, name: details.eventName, timeZone: details.timeZone };
}

/** JSON-safe, so it can travel in a job payload. */
export interface SessionFields {
  id: string;
  title: string | null;
  format: string | null;
  /** As Accelevents sent them (`yyyy/MM/dd HH:mm` in the event's zone, reference/accelevents-api.md §4). */
  startTime: string | null;
  endTime: string | null;
  startsAt: number | null;
  endsAt: number;
}

export function sessionFields(session: AcceleventsSession & { sessionId: string; endsAt: number }): SessionFields {
  return {
    id: session.sessionId,
    title: session.title,
    format: session.format,
    startTime: session.startTime?.raw ?? null,
    endTime: session.endTime?.raw ?? null,
    startsAt: session.startsAt,
    endsAt: session.endsAt,
  };
}
