/**
 * The template scope a poller-started run sees (src/workflows/triggers.ts: `session.ended` fills
 * `session`, `event` and `attendee`), with the field names the built-in workflows use
 * (`attendee.firstName`, `attendee.phone`, `event.key`, `event.name`).
 */
import type { AcceleventsAttendee, AcceleventsEventDetails, AcceleventsSession } from '../../accelevents/types.js';
import { formatName, sessionTimes } from './session-display.js';
import type { ResolvedSessionEvent } from './session-settings.js';

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
  /** The config's `events[].name`, else the event's own name. */
  name: string | null;
  /** The IANA zone session times are read and shown in. */
  timeZone: string;
}

export function eventFields(details: AcceleventsEventDetails, settings: ResolvedSessionEvent): EventFields {
  return {
    key: details.eventUrl,
    id: details.eventId,
    name: settings.name ?? details.eventName,
    timeZone: settings.timeZone ?? details.timeZone,
  };
}

/**
 * JSON-safe, so it can travel in a job payload. What templates see as `session.*`; the workflow file
 * (workflows/builtin/session-highlights.yaml) lists these for its editors, so keep the two in step.
 */
export interface SessionFields {
  id: string;
  title: string | null;
  /** In words: the config's label for the format, else "Main stage" for MAIN_STAGE. */
  format: string | null;
  /** As Accelevents sent it (MAIN_STAGE, WORKSHOP, …), for conditions. */
  formatCode: string | null;
  /** In the event's zone: "Mon, May 4, 2026", "10:00 AM EDT", and the span with the zone once. */
  date: string;
  startTime: string;
  endTime: string;
  when: string;
  /** The zone's short name ("EDT"). */
  zone: string;
  startsAt: number | null;
  endsAt: number;
  /** From the session's record only; null when it has none (no link is ever made up). */
  recordingUrl: string | null;
}

export function sessionFields(
  session: AcceleventsSession & { sessionId: string; endsAt: number },
  timeZone: string,
  formatLabels: Readonly<Record<string, string>>,
): SessionFields {
  const times = sessionTimes(session.startsAt, session.endsAt, timeZone);
  return {
    id: session.sessionId,
    title: session.title,
    format: formatName(session.format, formatLabels),
    formatCode: session.format,
    date: times.date,
    startTime: times.startTime,
    endTime: times.endTime,
    when: times.when,
    zone: times.timeZone,
    startsAt: session.startsAt,
    endsAt: session.endsAt,
    recordingUrl: session.recordingUrl,
  };
}
