/**
 * Reads Accelevents answers into the client's records, tolerantly: field names and array keys vary
 * between endpoints and are partly unconfirmed (docs/accelevents-assumptions.md), so each reader
 * accepts the known variants and throws `ResponseShapeError` only when nothing usable is there.
 */
import { ParleyError, type ParleyErrorOptions } from '../lib/parley-error.js';
import { parseAcceleventsDate, resolveTimeZone, toEpochMs } from './accelevents-dates.js';
import type { AcceleventsErrorCode } from './accelevents-error.js';
import type {
  AcceleventsAttendee,
  AcceleventsCheckInResult,
  AcceleventsEventDetails,
  AcceleventsHolderData,
  AcceleventsOrder,
  AcceleventsPage,
  AcceleventsSession,
  AcceleventsSessionAttendee,
  AcceleventsTicketType,
  AcceleventsWriteResult,
  HolderField,
  PageArrayKey,
  Raw,
} from './types.js';

/** The client turns it into an AcceleventsError with the same code, adding the operation and path. */
export class ResponseShapeError extends ParleyError<Extract<AcceleventsErrorCode, 'invalid_response'>> {
  override readonly name = 'ResponseShapeError';
  constructor(message: string, options: ParleyErrorOptions = {}) {
    super('invalid_response', message, options);
  }
}

function isRecord(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function record(body: unknown, what: string): Raw {
  if (!isRecord(body)) throw new ResponseShapeError(`expected ${what} as a JSON object, got ${kindOf(body)}`);
  return body;
}

function kindOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}

function text(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

function id(value: unknown): string | null {
  const s = text(value);
  return s === null || s === '' ? null : s;
}

function bool(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  return null;
}

function num(value: unknown): number | null {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
}

/** The first of several candidate field names that is present. */
function pick(raw: Raw, ...names: string[]): unknown {
  for (const name of names) if (raw[name] !== undefined && raw[name] !== null) return raw[name];
  return undefined;
}

export function readEventDetails(body: unknown, eventUrl: string): AcceleventsEventDetails {
  const raw = record(body, 'event details');
  const timezoneId = text(raw.timezoneId);
  const equivalentTimezone = text(raw.equivalentTimezone);
  return {
    eventId: id(raw.eventId),
    eventUrl: text(pick(raw, 'eventUrl', 'eventURL')) ?? eventUrl,
    eventName: text(pick(raw, 'eventName', 'name')),
    eventFormat: text(raw.eventFormat),
    eventListingStatus: text(raw.eventListingStatus),
    ticketingEnabled: bool(raw.ticketingEnabled),
    currencySymbol: text(raw.currencySymbol),
    timezoneId,
    equivalentTimezone,
    timeZone: resolveTimeZone([equivalentTimezone, timezoneId]),
    raw,
  };
}

export function readAttendee(value: unknown): AcceleventsAttendee {
  const raw = record(value, 'an attendee');
  const ticketStatus = text(raw.ticketStatus);
  const flag = bool(pick(raw, 'checkedIn', 'isCheckedIn'));
  return {
    barcode: id(pick(raw, 'barcode', 'barcodeId')),
    attendeeId: id(raw.attendeeId),
    eventTicketingId: id(pick(raw, 'eventTicketingId', 'ticketId')),
    orderId: id(raw.orderId),
    userId: id(raw.userId),
    firstName: text(raw.firstName),
    lastName: text(raw.lastName),
    email: text(pick(raw, 'email', 'emailAddress', 'holderEmail')),
    phoneNumber: text(pick(raw, 'phoneNumber', 'phone')),
    ticketType: text(pick(raw, 'ticketType', 'ticketTypeName')),
    status: text(raw.status),
    ticketStatus,
    checkedIn: flag ?? (ticketStatus === null ? null : /^CHECKED_?IN$/i.test(ticketStatus)),
    raw,
  };
}

const PAGE_KEYS: PageArrayKey[] = ['attendees', 'data', 'content'];

/** One page: the array under `attendees | data | content` (the key is unconfirmed) or a bare array, with the counts. */
export function readPage<T>(
  body: unknown,
  at: { page: number; size: number },
  readItem: (value: unknown) => T,
): AcceleventsPage<T> {
  if (Array.isArray(body)) {
    return { items: body.map(readItem), arrayKey: null, recordsTotal: null, recordsFiltered: null, ...at };
  }
  const raw = record(body, 'a page');
  const arrayKey = PAGE_KEYS.find((key) => Array.isArray(raw[key]));
  if (arrayKey === undefined) {
    throw new ResponseShapeError(
      `expected an array under ${PAGE_KEYS.join(', ')}; got keys ${Object.keys(raw).join(', ') || 'none'}`,
    );
  }
  return {
    items: (raw[arrayKey] as unknown[]).map(readItem),
    arrayKey,
    recordsTotal: num(raw.recordsTotal),
    recordsFiltered: num(raw.recordsFiltered),
    ...at,
  };
}

export function readOrder(body: unknown, orderId: string): AcceleventsOrder {
  const raw = record(body, 'an order');
  // The reference names the array `attendee` (singular); the plural is accepted too.
  const list = pick(raw, 'attendee', 'attendees', 'data');
  if (!Array.isArray(list)) throw new ResponseShapeError('expected the order\'s ticket holders under "attendee"');
  return {
    orderId: id(pick(raw, 'orderId', 'id')) ?? orderId,
    deliveryMode: text(raw.deliveryMode),
    attendees: list.map(readAttendee),
    raw,
  };
}

function readField(value: unknown): HolderField {
  const raw = record(value, 'a holder field');
  return {
    name: text(pick(raw, 'name', 'fieldName')) ?? '',
    type: text(raw.type),
    value: text(raw.value),
    mandatory: bool(raw.mandatory),
    raw,
  };
}

export function readHolderData(body: unknown): AcceleventsHolderData {
  const raw = record(body, 'holder data');
  const list = (value: unknown) => (Array.isArray(value) ? value : []);
  return {
    eventTicketingId: id(raw.eventTicketingId),
    seatNumber: text(raw.seatNumber),
    attributes: list(raw.attributes).map(readField),
    questions: list(raw.questions).map(readField),
    nestedQuestions: list(raw.nestedQuestions),
    raw,
  };
}

/** A session; with `timeZone`, its start and end as instants (there is no "session ended" event). */
export function readSession(value: unknown, timeZone: string | null): AcceleventsSession {
  const raw = record(value, 'a session');
  const startTime = parseAcceleventsDate(raw.startTime, 'yyyy/MM/dd HH:mm');
  const endTime = parseAcceleventsDate(raw.endTime, 'yyyy/MM/dd HH:mm');
  const instant = (t: typeof startTime) => (t?.local && timeZone ? toEpochMs(t.local, timeZone) : null);
  return {
    sessionId: id(pick(raw, 'sessionId', 'id')),
    title: text(raw.title),
    format: text(raw.format),
    status: text(raw.status),
    capacity: num(raw.capacity),
    startTime,
    endTime,
    startsAt: instant(startTime),
    endsAt: instant(endTime),
    recordingUrl: httpUrl(pick(raw, ...RECORDING_URL_FIELDS)),
    raw,
  };
}

/**
 * Where a session record may carry its recording: the field is not named by
 * https://developer.accelevents.com/reference/get-all-sessions-1, so likely names are tried.
 */
const RECORDING_URL_FIELDS = ['recordingUrl', 'replayUrl', 'recordingLink', 'videoRecordingUrl', 'recordUrl'];

/** Only an absolute http(s) address is a link worth sending; anything else is treated as absent. */
function httpUrl(value: unknown): string | null {
  if (typeof value !== 'string' || value.trim() === '') return null;
  try {
    const url = new URL(value.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : null;
  } catch {
    return null;
  }
}

/**
 * A row of a session's attendance. Its columns are named in words (Attended, Event Ticket Id, …) by
 * https://developer.accelevents.com/reference/get-attendee-data-for-session-by-session-id, so both spellings are read.
 */
export function readSessionAttendee(value: unknown): AcceleventsSessionAttendee {
  const raw = record(value, 'a session attendee');
  return {
    eventTicketingId: id(pick(raw, 'eventTicketId', 'eventTicketingId', 'ticketId', 'Event Ticket Id')),
    userId: id(pick(raw, 'userId', 'User Id')),
    email: text(pick(raw, 'email', 'emailAddress', 'Email')),
    firstName: text(pick(raw, 'firstName', 'First Name')),
    lastName: text(pick(raw, 'lastName', 'Last Name')),
    phoneNumber: text(pick(raw, 'phoneNumber', 'phone', 'Phone Number')),
    attended: bool(pick(raw, 'attended', 'isAttended', 'Attended')),
    engagement: num(pick(raw, 'engagement', 'Engagement')),
    registrationDate: text(pick(raw, 'registrationDate', 'Registration Date')),
    raw,
  };
}

export function readCheckIn(body: unknown): AcceleventsCheckInResult {
  const raw = record(body, 'a check-in answer');
  return {
    ticketId: id(raw.ticketId),
    ticketHolderName: text(raw.ticketHolderName),
    ticketingType: text(raw.ticketingType),
    status: text(raw.status),
    responseMessage: text(raw.responseMessage),
    paid: bool(raw.paid),
    seatNumber: text(raw.seatNumber),
    raw,
  };
}

/** The event's ticket types (`ticketTypes[]`: typeId, name, price); entries without a name are skipped. */
export function readTicketTypes(body: unknown): AcceleventsTicketType[] {
  const root = record(body, 'the ticketing settings');
  const list = root.ticketTypes ?? root.data;
  if (!Array.isArray(list)) throw new ResponseShapeError(`expected ticketTypes as an array, got ${kindOf(list)}`);
  return list.flatMap((item): AcceleventsTicketType[] => {
    if (!isRecord(item)) return [];
    const name = text(item.name ?? item.ticketTypeName);
    if (!name) return [];
    const price = typeof item.price === 'number' && Number.isFinite(item.price) ? item.price : null;
    return [{ typeId: id(item.typeId ?? item.ticketTypeId ?? item.id), name, price, raw: item }];
  });
}

export function readWriteResult(body: unknown): AcceleventsWriteResult {
  if (!isRecord(body)) return { type: null, message: text(body), raw: body };
  return { type: text(body.type), message: text(body.message), raw: body };
}
