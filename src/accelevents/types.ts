/**
 * What the Accelevents client returns. Field names follow the REST answers
 * (https://developer.accelevents.com/reference); ids become strings (Accelevents mixes numbers and
 * strings), missing fields become null, and every record keeps `raw` for the custom fields an admin maps by name.
 */
import type { AcceleventsDateTime } from './accelevents-dates.js';

export type Raw = Record<string, unknown>;

export interface AcceleventsEventDetails {
  eventId: string | null;
  eventUrl: string;
  eventName: string | null;
  eventFormat: string | null;
  eventListingStatus: string | null;
  ticketingEnabled: boolean | null;
  currencySymbol: string | null;
  timezoneId: string | null;
  equivalentTimezone: string | null;
  /** The zone session times are read in: the first of equivalentTimezone / timezoneId Intl knows, else UTC. */
  timeZone: string;
  raw: Raw;
}

/**
 * A ticket holder, from the attendee list or an order's `attendee[]`
 * (https://developer.accelevents.com/reference/get-ticketing-order-data-by-order-id).
 */
export interface AcceleventsAttendee {
  barcode: string | null;
  attendeeId: string | null;
  eventTicketingId: string | null;
  orderId: string | null;
  userId: string | null;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phoneNumber: string | null;
  ticketType: string | null;
  status: string | null;
  ticketStatus: string | null;
  /** From a `checkedIn` flag, or `ticketStatus` CHECKED_IN; null when neither is present (no check-in list exists). */
  checkedIn: boolean | null;
  raw: Raw;
}

export type PageArrayKey = 'attendees' | 'data' | 'content';

export interface AcceleventsPage<T> {
  items: T[];
  /** Which key held the array (null for a bare array), since the attendee list's key is unconfirmed. */
  arrayKey: PageArrayKey | null;
  recordsTotal: number | null;
  recordsFiltered: number | null;
  page: number;
  size: number;
}

export interface AcceleventsAllPages<T> {
  items: T[];
  recordsFiltered: number | null;
  pagesRead: number;
  /** True when the page cap stopped the walk before recordsFiltered was reached. */
  truncated: boolean;
}

export interface AcceleventsOrder {
  orderId: string;
  deliveryMode: string | null;
  attendees: AcceleventsAttendee[];
  raw: Raw;
}

export interface HolderField {
  name: string;
  type: string | null;
  value: string | null;
  mandatory: boolean | null;
  raw: Raw;
}

export interface AcceleventsHolderData {
  eventTicketingId: string | null;
  seatNumber: string | null;
  attributes: HolderField[];
  questions: HolderField[];
  nestedQuestions: unknown[];
  raw: Raw;
}

export interface AcceleventsSession {
  sessionId: string | null;
  title: string | null;
  format: string | null;
  status: string | null;
  capacity: number | null;
  /** `yyyy/MM/dd HH:mm` in the event's zone; raw kept. */
  startTime: AcceleventsDateTime | null;
  endTime: AcceleventsDateTime | null;
  /** Epoch ms, computed when the caller passed the event's time zone. */
  startsAt: number | null;
  endsAt: number | null;
  /** The session's recording or replay address when its record has an http(s) one; never made up. */
  recordingUrl: string | null;
  raw: Raw;
}

/**
 * One row of a session's attendance, GET /host/session/{sessionId}/attendee
 * (https://developer.accelevents.com/reference/get-attendee-data-for-session-by-session-id):
 * registered for the session, and `attended` when the holder was there (null when the row does not say).
 */
export interface AcceleventsSessionAttendee {
  eventTicketingId: string | null;
  userId: string | null;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  phoneNumber: string | null;
  attended: boolean | null;
  /** Share of the session watched, as Accelevents reports it (virtual sessions). */
  engagement: number | null;
  registrationDate: string | null;
  raw: Raw;
}

export interface AcceleventsCheckInResult {
  ticketId: string | null;
  ticketHolderName: string | null;
  ticketingType: string | null;
  status: string | null;
  responseMessage: string | null;
  paid: boolean | null;
  seatNumber: string | null;
  raw: Raw;
}

export interface HolderDataUpdate {
  /** Required by Accelevents; PUT replaces the record, so send every field (read, merge, write). */
  attributes: { name: string; value: string | null; [field: string]: unknown }[];
  questions?: { name: string; value: string | null; [field: string]: unknown }[];
  nestedQuestions?: unknown[];
}

/**
 * A ticket type of an event, from GET /events/{eventUrl}/displayTicketing/settings
 * (https://developer.accelevents.com/reference/ticket-module-display-page-setting).
 */
export interface AcceleventsTicketType {
  typeId: string | null;
  name: string;
  price: number | null;
  raw: Raw;
}

export interface AcceleventsWriteResult {
  type: string | null;
  message: string | null;
  raw: unknown;
}
