/**
 * Who gets one session's follow-up (config `events[].recipients`):
 *
 * - `session-attendees`: the session's attendance (GET /host/session/{id}/attendee), those who attended
 *   (a row that does not say counts as there; a registrant marked absent does not);
 * - `checked-in`: the event's attendees checked in at the event;
 * - `all-registrants`: every attendee whose ticket is not refunded or cancelled.
 *
 * Unset: session attendees where the account offers the call, else checked-in attendees. Each person
 * is listed once, even with two tickets, so nobody gets the same follow-up twice.
 */
import { AcceleventsError } from '../../accelevents/accelevents-error.js';
import type { AcceleventsClient } from '../../accelevents/client.js';
import type { AcceleventsAttendee, AcceleventsSessionAttendee } from '../../accelevents/types.js';
import type { SessionRecipients } from '../../features/session-recipients.js';
import type { Logger } from '../../lib/create-logger.js';
import { PollerError } from './poller-error.js';
import { attendeeKey } from './template-fields.js';

export interface RecipientsRequest {
  accelevents: AcceleventsClient;
  eventUrl: string;
  sessionId: string;
  /** Null: the first of session attendees and checked-in attendees that Accelevents can answer. */
  recipients: SessionRecipients | null;
  logger: Logger;
  signal?: AbortSignal;
}

export interface RecipientsAnswer {
  /** Where the list came from. */
  source: SessionRecipients;
  attendees: AcceleventsAttendee[];
  /** True when a page cap stopped a list early. */
  truncated: boolean;
}

const INACTIVE_TICKETS = new Set(['REFUNDED', 'CANCELLED', 'CANCELED']);

/** Answers that mean "this account has no per-session attendance", not "try again later". */
function attendanceUnavailable(error: unknown): error is AcceleventsError {
  return (
    error instanceof AcceleventsError &&
    (error.code === 'not_found' ||
      error.code === 'forbidden' ||
      error.code === 'plan_not_enabled' ||
      error.status === 405)
  );
}

/** A session attendance row in the attendee shape the templates' `attendee.*` is made from. */
function attendeeOfRow(row: AcceleventsSessionAttendee): AcceleventsAttendee {
  return {
    barcode: null,
    attendeeId: null,
    eventTicketingId: row.eventTicketingId,
    orderId: null,
    userId: row.userId,
    firstName: row.firstName,
    lastName: row.lastName,
    email: row.email,
    phoneNumber: row.phoneNumber,
    ticketType: null,
    status: null,
    ticketStatus: null,
    checkedIn: null,
    raw: row.raw,
  };
}

function isActiveTicket(attendee: AcceleventsAttendee): boolean {
  const status = (attendee.ticketStatus ?? attendee.status ?? '').toUpperCase();
  return !INACTIVE_TICKETS.has(status);
}

/** One entry per person: the same email (any case) or, without one, the same phone is the same person. */
export function onePerPerson(attendees: readonly AcceleventsAttendee[]): AcceleventsAttendee[] {
  const seen = new Set<string>();
  return attendees.filter((attendee) => {
    const email = attendee.email?.trim().toLowerCase();
    const phone = attendee.phoneNumber?.replace(/[^\d+]/g, '');
    const person = email ? `email:${email}` : phone ? `phone:${phone}` : `id:${attendeeKey(attendee)}`;
    if (seen.has(person)) return false;
    seen.add(person);
    return true;
  });
}

async function eventAttendees(request: RecipientsRequest, source: 'checked-in' | 'all-registrants') {
  const { items, truncated } = await request.accelevents.listAllAttendees(
    request.eventUrl,
    request.signal ? { signal: request.signal } : {},
  );
  const wanted = items.filter((a) => isActiveTicket(a) && (source === 'all-registrants' || a.checkedIn === true));
  return { source, attendees: onePerPerson(wanted), truncated } satisfies RecipientsAnswer;
}

export async function sessionRecipients(request: RecipientsRequest): Promise<RecipientsAnswer> {
  const { recipients } = request;
  if (recipients === 'checked-in' || recipients === 'all-registrants') return eventAttendees(request, recipients);
  try {
    const { items, truncated } = await request.accelevents.listAllSessionAttendees(
      request.sessionId,
      request.signal ? { signal: request.signal } : {},
    );
    const there = items.filter((row) => row.attended !== false).map(attendeeOfRow);
    return { source: 'session-attendees', attendees: onePerPerson(there), truncated };
  } catch (error) {
    if (!attendanceUnavailable(error)) throw error;
    if (recipients === 'session-attendees') {
      throw new PollerError(
        'session_attendance_unavailable',
        `events[].recipients is session-attendees for ${request.eventUrl}, but Accelevents answered ${error.status ?? error.code} to the session's attendance (${error.message}); set recipients to checked-in or all-registrants`,
        { cause: error },
      );
    }
    request.logger.warn(
      { eventUrl: request.eventUrl, sessionId: request.sessionId, status: error.status },
      "no per-session attendance from Accelevents; following up the event's checked-in attendees",
    );
    return eventAttendees(request, 'checked-in');
  }
}
