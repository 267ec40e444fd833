/**
 * The sandbox's REST routes under /rest, at the paths of the reference pages
 * (https://developer.accelevents.com/reference). Each request passes, in order: the key check for its access (401
 * 4010101), the plan, the event (404 4040200), and the role the endpoint needs (host: 403 4030201;
 * staff: 403 4030101).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { resolveTimeZone } from '../../accelevents/accelevents-dates.js';
import type { AcceleventsAuthPreset } from '../../accelevents/auth-presets.js';
import { ApiFailure, failures } from './api-failure.js';
import {
  attendeeRowOf,
  checkInAnswerOf,
  eventDetailsOf,
  holderDataOf,
  orderAttendeeOf,
  sessionAttendeeOf,
  sessionOf,
} from './representations.js';
import type { AttendeesArrayKey } from './sandbox-options.js';
import type { AcceleventsSandboxState, HolderAnswer } from './sandbox-state.js';

export interface ApiRouteDeps {
  state: AcceleventsSandboxState;
  accepts(headers: FastifyRequest['headers'], presets: readonly AcceleventsAuthPreset[]): boolean;
  readAuth: () => AcceleventsAuthPreset[];
  writeAuth: () => AcceleventsAuthPreset[];
  attendeesArrayKey: () => AttendeesArrayKey;
  /** False: GET /host/session/{id}/attendee answers 404 as if the account had no such endpoint. */
  sessionAttendance: () => boolean;
}

type Params = Record<string, string>;
type Query = Record<string, string | undefined>;
type Handler = (input: { params: Params; query: Query; body: unknown }) => unknown;

function wholeNumber(query: Query, name: string, fallback: number, max: number): number {
  const raw = query[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value > max) throw failures.badRequest(`${name} must be a whole number from 0 to ${max}`);
  return value;
}

function paging(query: Query): { page: number; size: number } {
  const size = wholeNumber(query, 'size', 100, 1000);
  if (size === 0) throw failures.badRequest('size must be at least 1');
  return { page: wholeNumber(query, 'page', 0, 1_000_000), size };
}

function answers(value: unknown, name: string, required: boolean): HolderAnswer[] {
  if (value === undefined && !required) return [];
  if (!Array.isArray(value)) throw failures.badRequest(`${name} must be an array`);
  return value.map((item, i) => {
    if (typeof item !== 'object' || item === null || typeof item.name !== 'string') {
      throw failures.badRequest(`${name}[${i}].name must be a string`);
    }
    const v = item.value;
    return {
      name: item.name,
      type: typeof item.type === 'string' ? item.type : 'TEXT',
      value: v == null ? null : String(v),
    };
  });
}

export function registerApiRoutes(app: FastifyInstance, deps: ApiRouteDeps): void {
  const { state } = deps;

  function route(
    method: HTTPMethods | HTTPMethods[],
    url: string,
    access: 'read' | 'write',
    role: 'host' | 'staff',
    handler: Handler,
    /** The event a path without `:eventUrl` belongs to (a session's, for /host/session/:sessionId/…). */
    eventOf: (params: Params) => string = (params) => params.eventUrl ?? '',
  ) {
    app.route({
      method,
      url,
      handler: async (request: FastifyRequest, reply: FastifyReply) => {
        try {
          const presets = access === 'write' ? deps.writeAuth() : deps.readAuth();
          if (!deps.accepts(request.headers, presets)) throw failures.notAuthorized();
          if (!state.access.planEnabled) throw failures.planNotEnabled();
          const params = request.params as Params;
          const held = state.roleFor(state.event(eventOf(params)).eventUrl);
          if (role === 'host' && held !== 'host') throw failures.notEventHost();
          if (role === 'staff' && held === 'none') throw failures.notStaffUser();
          return reply.send(handler({ params, query: request.query as Query, body: request.body }));
        } catch (error) {
          if (error instanceof ApiFailure) return reply.code(error.status).send(error.body());
          throw error;
        }
      },
    });
  }

  route('GET', '/host/event/:eventUrl/eventDetails', 'read', 'host', ({ params }) =>
    eventDetailsOf(state.event(params.eventUrl!)),
  );

  route('GET', '/events/:eventUrl/staff/allAttendees', 'read', 'staff', ({ params, query }) => {
    const { page, size } = paging(query);
    const all = state.tickets(params.eventUrl!);
    const search = query.searchString?.trim().toLowerCase();
    const matching = search
      ? all.filter((t) => `${t.firstName} ${t.lastName} ${t.email} ${t.barcode}`.toLowerCase().includes(search))
      : all;
    return {
      recordsTotal: all.length,
      recordsFiltered: matching.length,
      [deps.attendeesArrayKey()]: matching.slice(page * size, (page + 1) * size).map(attendeeRowOf),
      totalCheckedInTickets: all.filter((t) => t.ticketStatus === 'CHECKED_IN').length,
    };
  });

  route('GET', '/events/:eventUrl/displayTicketing/settings', 'read', 'staff', ({ params }) => ({
    ticketTypes: state.event(params.eventUrl!).ticketTypes.map((t) => ({
      typeId: t.typeId,
      name: t.name,
      price: t.price,
      ticketType: t.price > 0 ? 'PAID' : 'FREE',
    })),
  }));

  route('GET', '/events/:eventUrl/staff/refund/order/:orderId', 'read', 'staff', ({ params }) => {
    const { tickets } = state.order(params.eventUrl!, Number(params.orderId));
    return { deliveryMode: 'EMAIL', attendee: tickets.map(orderAttendeeOf) };
  });

  route('GET', '/host/ticketing/:eventUrl/holderData/ticket/:ticketId', 'read', 'host', ({ params }) =>
    holderDataOf(state.ticketById(params.eventUrl!, Number(params.ticketId))),
  );

  route('PUT', '/host/ticketing/:eventUrl/holder-data/barcode/:barcodeId', 'write', 'host', ({ params, body }) => {
    const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    state.updateHolder(params.eventUrl!, params.barcodeId!, {
      attributes: answers(b.attributes, 'attributes', true),
      questions: answers(b.questions, 'questions', false),
    });
    return { type: 'Success', message: 'Holder data updated' };
  });

  route('GET', '/host/event/:eventUrl/session', 'read', 'host', ({ params, query }) => {
    const { page, size } = paging(query);
    const ev = state.event(params.eventUrl!);
    if (query.eventId !== undefined && query.eventId !== String(ev.eventId)) {
      throw failures.badRequest(`eventId ${query.eventId} does not belong to ${ev.eventUrl} (${ev.eventId})`);
    }
    const zone = resolveTimeZone([ev.equivalentTimezone, ev.timezoneId]);
    return {
      recordsTotal: ev.sessions.length,
      recordsFiltered: ev.sessions.length,
      data: ev.sessions.slice(page * size, (page + 1) * size).map((s) => sessionOf(s, zone)),
    };
  });

  // Per-session attendance is keyed by the session alone; the paging is the attendee list's (page, size).
  route(
    'GET',
    '/host/session/:sessionId/attendee',
    'read',
    'host',
    ({ params, query }) => {
      const { page, size } = paging(query);
      const rows = state.sessionAttendees(Number(params.sessionId));
      return {
        recordsTotal: rows.length,
        recordsFiltered: rows.length,
        data: rows.slice(page * size, (page + 1) * size).map((r) => sessionAttendeeOf(r.ticket, r.attended)),
      };
    },
    (params) => {
      if (!deps.sessionAttendance()) throw failures.notFound('Route');
      return state.session(Number(params.sessionId)).event.eventUrl;
    },
  );

  // The reference lists GET for this state change (https://developer.accelevents.com/reference/event-ticket-chekin);
  // PUT and POST are accepted too, since a client may reasonably send a write as one. All three are
  // writes for the key check.
  route(
    ['GET', 'PUT', 'POST'],
    '/events/:eventUrl/staff/checkin/barcode/:barcode/checkin/:checkinFlag',
    'write',
    'staff',
    ({ params }) => {
      const flag = params.checkinFlag;
      if (flag !== 'true' && flag !== 'false') throw failures.badRequest('checkinFlag must be true or false');
      return checkInAnswerOf(state.checkIn(params.eventUrl!, params.barcode!, flag === 'true'));
    },
  );
}
