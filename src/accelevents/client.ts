/**
 * The Accelevents REST client: the calls parley needs (https://developer.accelevents.com/reference), on top of the
 * request core. Reads use `readAuth`, writes `writeAuth`; the probe on connect is `getEventDetails`.
 */
import { AcceleventsError } from './accelevents-error.js';
import {
  ResponseShapeError,
  readAttendee,
  readCheckIn,
  readEventDetails,
  readHolderData,
  readOrder,
  readPage,
  readSession,
  readSessionAttendee,
  readTicketTypes,
  readWriteResult,
} from './read-records.js';
import { type AcceleventsClientOptions, createAcceleventsRequester, type RequestSpec } from './request-core.js';
import type {
  AcceleventsAllPages,
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
  HolderDataUpdate,
} from './types.js';

/** The attendee list's default page size, as https://github.com/api-evangelist/accelevents models it. */
export const DEFAULT_ATTENDEE_PAGE_SIZE = 100;
/** Cap on pages walked by the list-all calls, whose counts are unconfirmed: 200 × 100 attendees, then `truncated`. */
export const DEFAULT_MAX_PAGES = 200;

export interface PageOptions {
  page?: number;
  size?: number;
  signal?: AbortSignal;
}

/** The attendee list also takes `searchString` (name, email or barcode), per the reference's query parameters. */
export interface AttendeePageOptions extends PageOptions {
  searchString?: string;
}

export interface AllPagesOptions {
  size?: number;
  maxPages?: number;
  signal?: AbortSignal;
}

export interface AcceleventsClient {
  /**
   * GET /host/event/{eventUrl}/eventDetails, the cheap probe
   * (https://developer.accelevents.com/reference/event-and-design-details).
   */
  getEventDetails(eventUrl: string, options?: { signal?: AbortSignal }): Promise<AcceleventsEventDetails>;
  /** One page of GET /events/{eventUrl}/staff/allAttendees (`page` is 0-based). */
  listAttendees(eventUrl: string, options?: AttendeePageOptions): Promise<AcceleventsPage<AcceleventsAttendee>>;
  /** Every page of the attendee list until `recordsFiltered` is reached, at most `maxPages`. */
  listAllAttendees(eventUrl: string, options?: AllPagesOptions): Promise<AcceleventsAllPages<AcceleventsAttendee>>;
  /**
   * GET /events/{eventUrl}/displayTicketing/settings: the event's ticket types
   * (https://developer.accelevents.com/reference/ticket-module-display-page-setting).
   */
  listTicketTypes(eventUrl: string, options?: { signal?: AbortSignal }): Promise<AcceleventsTicketType[]>;
  /** GET /events/{eventUrl}/staff/refund/order/{orderId}: the order's ticket holders. */
  getOrder(eventUrl: string, orderId: string | number): Promise<AcceleventsOrder>;
  /** GET /host/ticketing/{eventUrl}/holderData/ticket/{ticketId}: attributes and custom answers. */
  getHolderData(eventUrl: string, ticketId: string | number): Promise<AcceleventsHolderData>;
  /** One page of GET /host/event/{eventUrl}/session; with `timeZone`, start and end as instants. */
  listSessions(
    eventUrl: string,
    options?: PageOptions & { eventId?: string | number; timeZone?: string },
  ): Promise<AcceleventsPage<AcceleventsSession>>;
  /**
   * Every page of GET /host/session/{sessionId}/attendee: who registered for one session and whether
   * they attended (https://developer.accelevents.com/reference/get-attendee-data-for-session-by-session-id).
   * A 404 or 403 here means the account offers no per-session attendance.
   */
  listAllSessionAttendees(
    sessionId: string | number,
    options?: AllPagesOptions,
  ): Promise<AcceleventsAllPages<AcceleventsSessionAttendee>>;
  /**
   * GET /events/{eventUrl}/staff/checkin/barcode/{barcode}/checkin/{flag}: the reference lists GET for
   * this state change (https://developer.accelevents.com/reference/event-ticket-chekin), so it is sent as
   * GET but treated as a write: write auth, never retried.
   */
  checkIn(eventUrl: string, barcode: string, options?: { checkIn?: boolean }): Promise<AcceleventsCheckInResult>;
  /** PUT /host/ticketing/{eventUrl}/holder-data/barcode/{barcode}: replaces the holder's attributes. */
  updateHolderData(eventUrl: string, barcode: string, update: HolderDataUpdate): Promise<AcceleventsWriteResult>;
}

function invalidCall(operation: string, message: string): AcceleventsError {
  return new AcceleventsError('invalid_call', `${operation}: ${message}`, { operation, method: '', path: '' });
}

function segment(operation: string, name: string, value: unknown): string {
  const s = typeof value === 'number' ? String(value) : value;
  if (typeof s !== 'string' || s.trim() === '') {
    throw invalidCall(operation, `${name} must be a non-empty string, got ${JSON.stringify(value)}`);
  }
  return encodeURIComponent(s);
}

function wholeNumber(operation: string, name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalidCall(operation, `${name} must be a whole number from ${min} to ${max}, got ${value}`);
  }
  return value;
}

export function createAcceleventsClient(options: AcceleventsClientOptions): AcceleventsClient {
  const requester = createAcceleventsRequester(options);

  async function call<T>(spec: RequestSpec, read: (body: unknown) => T): Promise<T> {
    const body = await requester.send(spec);
    try {
      return read(body);
    } catch (error) {
      if (!(error instanceof ResponseShapeError)) throw error;
      throw new AcceleventsError(
        'invalid_response',
        `Accelevents ${spec.operation} answered with an unexpected shape: ${error.message}`,
        { operation: spec.operation, method: spec.method, path: spec.path },
      );
    }
  }

  function paging(operation: string, options: PageOptions) {
    return {
      page: wholeNumber(operation, 'page', options.page ?? 0, 0, 1_000_000),
      size: wholeNumber(operation, 'size', options.size ?? DEFAULT_ATTENDEE_PAGE_SIZE, 1, 1000),
    };
  }

  const client: AcceleventsClient = {
    async getEventDetails(eventUrl, opts = {}) {
      const operation = 'get-event-details';
      const path = `/host/event/${segment(operation, 'eventUrl', eventUrl)}/eventDetails`;
      return call({ operation, method: 'GET', path, access: 'read', signal: opts.signal }, (body) =>
        readEventDetails(body, eventUrl),
      );
    },

    async listAttendees(eventUrl, opts = {}) {
      const operation = 'list-attendees';
      const at = paging(operation, opts);
      const path = `/events/${segment(operation, 'eventUrl', eventUrl)}/staff/allAttendees`;
      const query = { ...at, searchString: opts.searchString?.trim() || undefined };
      return call({ operation, method: 'GET', path, query, access: 'read', signal: opts.signal }, (body) =>
        readPage(body, at, readAttendee),
      );
    },

    async listAllAttendees(eventUrl, opts = {}) {
      const maxPages = wholeNumber('list-attendees', 'maxPages', opts.maxPages ?? DEFAULT_MAX_PAGES, 1, 100_000);
      const size = opts.size ?? DEFAULT_ATTENDEE_PAGE_SIZE;
      return walkPages((page) => client.listAttendees(eventUrl, { page, size, signal: opts.signal }), maxPages);
    },

    async listTicketTypes(eventUrl, opts = {}) {
      const operation = 'list-ticket-types';
      const path = `/events/${segment(operation, 'eventUrl', eventUrl)}/displayTicketing/settings`;
      return call({ operation, method: 'GET', path, access: 'read', signal: opts.signal }, readTicketTypes);
    },

    async getOrder(eventUrl, orderId) {
      const operation = 'get-order';
      const path = `/events/${segment(operation, 'eventUrl', eventUrl)}/staff/refund/order/${segment(operation, 'orderId', orderId)}`;
      return call({ operation, method: 'GET', path, access: 'read' }, (body) => readOrder(body, String(orderId)));
    },

    async getHolderData(eventUrl, ticketId) {
      const operation = 'get-holder-data';
      const path = `/host/ticketing/${segment(operation, 'eventUrl', eventUrl)}/holderData/ticket/${segment(operation, 'ticketId', ticketId)}`;
      return call({ operation, method: 'GET', path, access: 'read' }, readHolderData);
    },

    async listSessions(eventUrl, opts = {}) {
      const operation = 'list-sessions';
      const at = paging(operation, opts);
      const path = `/host/event/${segment(operation, 'eventUrl', eventUrl)}/session`;
      // https://developer.accelevents.com/reference/get-all-sessions-1 describes eventId as required; sent when known.
      const query = { ...at, eventId: opts.eventId === undefined ? undefined : String(opts.eventId) };
      const timeZone = opts.timeZone ?? null;
      return call({ operation, method: 'GET', path, query, access: 'read', signal: opts.signal }, (body) =>
        readPage(body, at, (item) => readSession(item, timeZone)),
      );
    },

    async listAllSessionAttendees(sessionId, opts = {}) {
      const operation = 'list-session-attendees';
      const maxPages = wholeNumber(operation, 'maxPages', opts.maxPages ?? DEFAULT_MAX_PAGES, 1, 100_000);
      const path = `/host/session/${segment(operation, 'sessionId', sessionId)}/attendee`;
      return walkPages((page) => {
        const at = paging(operation, { page, size: opts.size ?? DEFAULT_ATTENDEE_PAGE_SIZE });
        return call({ operation, method: 'GET', path, query: at, access: 'read', signal: opts.signal }, (body) =>
          readPage(body, at, readSessionAttendee),
        );
      }, maxPages);
    },

    async checkIn(eventUrl, barcode, opts = {}) {
      const operation = 'check-in';
      const flag = opts.checkIn ?? true;
      const path = `/events/${segment(operation, 'eventUrl', eventUrl)}/staff/checkin/barcode/${segment(operation, 'barcode', barcode)}/checkin/${flag}`;
      return call({ operation, method: 'GET', path, access: 'write' }, readCheckIn);
    },

    async updateHolderData(eventUrl, barcode, update) {
      const operation = 'update-holder-data';
      if (!update || !Array.isArray(update.attributes)) {
        throw invalidCall(operation, 'update.attributes must be an array (Accelevents requires it)');
      }
      const path = `/host/ticketing/${segment(operation, 'eventUrl', eventUrl)}/holder-data/barcode/${segment(operation, 'barcode', barcode)}`;
      return call({ operation, method: 'PUT', path, body: update, access: 'write' }, readWriteResult);
    },
  };
  return client;
}

/**
 * Walks 0-based pages until `recordsFiltered` (or `recordsTotal`) items were read, a page comes back
 * short or empty, or `maxPages` is reached: a wrong count can never loop forever.
 */
async function walkPages<T>(
  fetchPage: (page: number) => Promise<AcceleventsPage<T>>,
  maxPages: number,
): Promise<AcceleventsAllPages<T>> {
  const items: T[] = [];
  let expected: number | null = null;
  for (let page = 0; page < maxPages; page++) {
    const result = await fetchPage(page);
    items.push(...result.items);
    expected = result.recordsFiltered ?? result.recordsTotal ?? expected;
    const done =
      result.items.length === 0 || (expected !== null ? items.length >= expected : result.items.length < result.size);
    if (done) return { items, recordsFiltered: expected, pagesRead: page + 1, truncated: false };
  }
  return { items, recordsFiltered: expected, pagesRead: maxPages, truncated: true };
}

export { AcceleventsError } from './accelevents-error.js';
export type { AcceleventsClientOptions } from './request-core.js';
