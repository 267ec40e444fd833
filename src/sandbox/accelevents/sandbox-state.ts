/**
 * The sandbox's in-memory Accelevents: sample events, ticket holders grouped in orders, their holder
 * data, check-in state and the key's access (plan and role per event). It knows nothing of HTTP; every
 * change that Accelevents would announce by webhook is reported through `announce`.
 */
import { seedPerson } from '../highlevel/seed-people.js';
import { failures } from './api-failure.js';
import {
  checkOrder,
  checkPerson,
  type OrderInput,
  type Person,
  TICKET_STATUS_CHANGES,
  type TicketStatusChange,
} from './order-input.js';
import { type SandboxEvent, type SandboxRole, type SandboxSession, sampleEvents } from './sample-events.js';
import { checkRecordingUrl, checkSessionInput, type SessionInput } from './session-input.js';
import type { AcceleventsWebhookTopic } from './webhook-payloads.js';

export type { OrderInput, TicketStatusChange } from './order-input.js';

export interface HolderAnswer {
  name: string;
  type: string;
  value: string | null;
}

export interface SandboxTicket {
  barcode: string;
  eventTicketingId: number;
  attendeeId: number;
  orderId: number;
  userId: number;
  eventUrl: string;
  firstName: string;
  lastName: string;
  email: string;
  phoneNumber: string | null;
  ticketTypeId: number;
  ticketType: string;
  ticketPrice: number;
  ticketStatus: 'BOOKED' | 'CHECKED_IN' | TicketStatusChange;
  checkedInAt: number | null;
  /** Ids of the sessions the holder has checked into. */
  sessionCheckIns: number[];
  /** Ids of the sessions the holder registered for (a check-in registers too). */
  sessionRegistrations: number[];
  purchaseDate: number;
  attributes: HolderAnswer[];
  questions: HolderAnswer[];
}

export interface SandboxOrder {
  orderId: number;
  eventUrl: string;
  purchaseDate: number;
  purchaser: Person;
  barcodes: string[];
}

export interface RegisterInput {
  eventUrl: string;
  firstName: string;
  lastName: string;
  email: string;
  phoneNumber?: string | null;
  /** A ticket type name or id of the event; default its first (free) type. */
  ticketType?: string | number;
}

export interface AcceleventsSandboxState {
  events(): SandboxEvent[];
  /** Throws the 404 4040200 failure for an unknown event. */
  event(eventUrl: string): SandboxEvent;
  tickets(eventUrl: string): SandboxTicket[];
  ticket(eventUrl: string, barcode: string): SandboxTicket;
  ticketById(eventUrl: string, ticketId: number): SandboxTicket;
  order(eventUrl: string, orderId: number): { order: SandboxOrder; tickets: SandboxTicket[] };
  /** A new order with one ticket; announces `attendee.registered` and, for a paid ticket, `ticket.purchased`. */
  register(input: RegisterInput): { order: SandboxOrder; ticket: SandboxTicket };
  /** One order with a ticket per holder; announces one `ticket.purchased` naming every holder. */
  placeOrder(input: OrderInput): { order: SandboxOrder; tickets: SandboxTicket[] };
  /** Check in (or out with `checkIn: false`); announces `attendee.checked_in`. */
  checkIn(eventUrl: string, barcode: string, checkIn?: boolean): SandboxTicket;
  /** Refunds or cancels the ticket; announces `ticket.status_changed`. */
  changeTicketStatus(eventUrl: string, barcode: string, status: TicketStatusChange): SandboxTicket;
  /** Checks the holder into one of the event's sessions; announces `session.checked_in`. */
  checkInSession(
    eventUrl: string,
    barcode: string,
    sessionId: number,
  ): { ticket: SandboxTicket; session: SandboxSession };
  /** Registers the holder for one of the event's sessions; announces nothing (no webhook is documented). */
  registerForSession(eventUrl: string, barcode: string, sessionId: number): SandboxTicket;
  /** A new session of the event, e.g. one that ends a minute from now. */
  addSession(eventUrl: string, input: SessionInput): SandboxSession;
  /** Sets (or clears with null) a session's recording address. */
  setSessionRecording(eventUrl: string, sessionId: number, recordingUrl: string | null): SandboxSession;
  /** The session with this id and its event; throws 404 for an unknown id. */
  session(sessionId: number): { event: SandboxEvent; session: SandboxSession };
  /** Holders registered for or checked into the session, each with whether they attended. */
  sessionAttendees(sessionId: number): { ticket: SandboxTicket; attended: boolean }[];
  /** Replaces the holder's attributes and questions, as PUT does (omitted fields are reset). */
  updateHolder(
    eventUrl: string,
    barcode: string,
    update: { attributes: HolderAnswer[]; questions?: HolderAnswer[] },
  ): SandboxTicket;
  /** The key's access: API on the plan, and its role per event (default host everywhere). */
  access: { planEnabled: boolean; roles: Map<string, SandboxRole> };
  roleFor(eventUrl: string): SandboxRole;
}

/** What a delivery needs beyond its ticket: the session checked into, or that it covers the whole order. */
export interface AnnounceExtra {
  session?: SandboxSession;
  wholeOrder?: boolean;
}

export interface StateOptions {
  now: () => number;
  /** A new numeric id, never one an earlier sandbox run issued (sandbox-ids.ts). */
  newId: () => number;
  attendeesPerEvent: number;
  announce: (topic: AcceleventsWebhookTopic, ticket: SandboxTicket, extra?: AnnounceExtra) => void;
}

const HOUR = 3_600_000;

export function createSandboxState(options: StateOptions): AcceleventsSandboxState {
  const { now, newId, announce } = options;
  const events = sampleEvents(now());
  const tickets = new Map<string, SandboxTicket[]>(events.map((e) => [e.eventUrl, []]));
  const orders = new Map<number, SandboxOrder>();
  const access = { planEnabled: true, roles: new Map<string, SandboxRole>() };

  const event = (eventUrl: string) => {
    const found = events.find((e) => e.eventUrl === eventUrl);
    if (!found) throw failures.eventNotFound();
    return found;
  };

  function ticketTypeOf(ev: SandboxEvent, ticketType: RegisterInput['ticketType']) {
    const type =
      ticketType === undefined
        ? ev.ticketTypes[0]!
        : ev.ticketTypes.find((t) => t.name === ticketType || t.typeId === Number(ticketType));
    if (!type) {
      const known = ev.ticketTypes.map((t) => `${t.name} (${t.typeId})`).join(', ');
      throw failures.badRequest(
        `ticketType ${JSON.stringify(ticketType)} is not a ticket type of ${ev.eventUrl}; known: ${known}`,
      );
    }
    return type;
  }

  function newTicket(ev: SandboxEvent, input: RegisterInput, orderId: number, purchaseDate: number): SandboxTicket {
    const type = ticketTypeOf(ev, input.ticketType);
    const ticketId = newId();
    return {
      barcode: `AE${ev.eventId}-${ticketId}`,
      eventTicketingId: ticketId,
      attendeeId: ticketId,
      orderId,
      userId: newId(),
      eventUrl: ev.eventUrl,
      firstName: input.firstName,
      lastName: input.lastName,
      email: input.email,
      phoneNumber: input.phoneNumber ?? null,
      ticketTypeId: type.typeId,
      ticketType: type.name,
      ticketPrice: type.price,
      ticketStatus: 'BOOKED',
      checkedInAt: null,
      sessionCheckIns: [],
      sessionRegistrations: [],
      purchaseDate,
      attributes: [
        { name: 'First Name', type: 'TEXT', value: input.firstName },
        { name: 'Last Name', type: 'TEXT', value: input.lastName },
        { name: 'Email', type: 'EMAIL', value: input.email },
        { name: 'Cell Phone', type: 'TEXT', value: input.phoneNumber ?? null },
      ],
      questions: [
        { name: 'Company', type: 'TEXT', value: null },
        { name: 'Which topics interest you?', type: 'DROPDOWN', value: null },
      ],
    };
  }

  /** Checks every holder's ticket type before anything is stored, so a bad one leaves no partial order. */
  function addOrder(
    eventUrl: string,
    purchaser: Person,
    holders: RegisterInput[],
    purchaseDate: number,
  ): { order: SandboxOrder; tickets: SandboxTicket[] } {
    const ev = event(eventUrl);
    for (const holder of holders) ticketTypeOf(ev, holder.ticketType);
    const orderId = newId();
    const issued = holders.map((holder) => newTicket(ev, holder, orderId, purchaseDate));
    const order: SandboxOrder = {
      orderId,
      eventUrl: ev.eventUrl,
      purchaseDate,
      purchaser,
      barcodes: issued.map((t) => t.barcode),
    };
    orders.set(orderId, order);
    tickets.get(ev.eventUrl)!.push(...issued);
    return { order, tickets: issued };
  }

  function addTicket(input: RegisterInput, purchaseDate: number): { order: SandboxOrder; ticket: SandboxTicket } {
    const purchaser = { firstName: input.firstName, lastName: input.lastName, email: input.email };
    const { order, tickets: issued } = addOrder(input.eventUrl, purchaser, [input], purchaseDate);
    return { order, ticket: issued[0]! };
  }

  function checkActive(ticket: SandboxTicket): void {
    if (ticket.ticketStatus === 'REFUNDED' || ticket.ticketStatus === 'CANCELLED') {
      throw failures.ticketNotActive(ticket.ticketStatus);
    }
  }

  // Seeded registrations happened in the past, an hour apart, and announce nothing. Person i matches the
  // HighLevel sandbox's seeded contact i (same email), so the two sandboxes tell one story.
  events.forEach((ev, e) => {
    const count = options.attendeesPerEvent;
    for (let i = 0; i < count; i++) {
      const person = seedPerson(e * 1000 + i);
      const ticketType = ev.ticketTypes[i % 4 === 3 ? 1 : 0]!.typeId;
      addTicket(
        { eventUrl: ev.eventUrl, ...person, phoneNumber: person.phone, ticketType },
        now() - (count - i) * HOUR,
      );
    }
  });

  const state: AcceleventsSandboxState = {
    events: () => events,
    event,
    tickets: (eventUrl) => tickets.get(event(eventUrl).eventUrl)!,
    ticket(eventUrl, barcode) {
      const found = state.tickets(eventUrl).find((t) => t.barcode === barcode);
      if (!found) throw failures.barcodeNotExist();
      return found;
    },
    ticketById(eventUrl, ticketId) {
      const found = state.tickets(eventUrl).find((t) => t.eventTicketingId === ticketId);
      if (!found) throw failures.notFound('Ticket');
      return found;
    },
    order(eventUrl, orderId) {
      event(eventUrl);
      const order = orders.get(orderId);
      if (!order || order.eventUrl !== eventUrl) throw failures.notFound('Order');
      return { order, tickets: order.barcodes.map((b) => state.ticket(eventUrl, b)) };
    },
    register(input) {
      checkPerson(input, '');
      const result = addTicket(input, now());
      announce('attendee.registered', result.ticket);
      if (result.ticket.ticketPrice > 0) announce('ticket.purchased', result.ticket);
      return result;
    },
    placeOrder(input) {
      const checked = checkOrder(input);
      const holders = checked.holders.map((h) => ({ ...h, eventUrl: checked.eventUrl }));
      const result = addOrder(checked.eventUrl, checked.purchaser, holders, now());
      announce('ticket.purchased', result.tickets[0]!, { wholeOrder: true });
      return result;
    },
    checkIn(eventUrl, barcode, checkIn = true) {
      const ticket = state.ticket(eventUrl, barcode);
      checkActive(ticket);
      if (checkIn && ticket.ticketStatus === 'CHECKED_IN') throw failures.ticketAlreadyUsed();
      if (!checkIn && ticket.ticketStatus === 'BOOKED') throw failures.alreadyBooked();
      ticket.ticketStatus = checkIn ? 'CHECKED_IN' : 'BOOKED';
      ticket.checkedInAt = checkIn ? now() : null;
      if (checkIn) announce('attendee.checked_in', ticket);
      return ticket;
    },
    changeTicketStatus(eventUrl, barcode, status) {
      if (!TICKET_STATUS_CHANGES.includes(status)) {
        throw failures.badRequest(
          `status must be one of ${TICKET_STATUS_CHANGES.join(', ')}; got ${JSON.stringify(status)}`,
        );
      }
      const ticket = state.ticket(eventUrl, barcode);
      checkActive(ticket);
      ticket.ticketStatus = status;
      announce('ticket.status_changed', ticket);
      return ticket;
    },
    checkInSession(eventUrl, barcode, sessionId) {
      const ticket = state.ticket(eventUrl, barcode);
      const session = state.event(eventUrl).sessions.find((s) => s.sessionId === sessionId);
      if (!session) throw failures.notFound('Session');
      checkActive(ticket);
      if (ticket.sessionCheckIns.includes(sessionId)) throw failures.ticketAlreadyUsed();
      ticket.sessionCheckIns.push(sessionId);
      if (!ticket.sessionRegistrations.includes(sessionId)) ticket.sessionRegistrations.push(sessionId);
      announce('session.checked_in', ticket, { session });
      return { ticket, session };
    },
    registerForSession(eventUrl, barcode, sessionId) {
      const ticket = state.ticket(eventUrl, barcode);
      if (!state.event(eventUrl).sessions.some((s) => s.sessionId === sessionId)) throw failures.notFound('Session');
      checkActive(ticket);
      if (!ticket.sessionRegistrations.includes(sessionId)) ticket.sessionRegistrations.push(sessionId);
      return ticket;
    },
    addSession(eventUrl, input) {
      const ev = state.event(eventUrl);
      const checked = checkSessionInput(input);
      const session: SandboxSession = { sessionId: newId(), status: 'VISIBLE', ...checked };
      ev.sessions.push(session);
      return session;
    },
    setSessionRecording(eventUrl, sessionId, recordingUrl) {
      const session = state.event(eventUrl).sessions.find((s) => s.sessionId === sessionId);
      if (!session) throw failures.notFound('Session');
      session.recordingUrl = checkRecordingUrl(recordingUrl);
      return session;
    },
    session(sessionId) {
      for (const ev of events) {
        const session = ev.sessions.find((s) => s.sessionId === sessionId);
        if (session) return { event: ev, session };
      }
      throw failures.notFound('Session');
    },
    sessionAttendees(sessionId) {
      const { event: ev } = state.session(sessionId);
      return tickets
        .get(ev.eventUrl)!
        .filter((t) => t.sessionRegistrations.includes(sessionId) || t.sessionCheckIns.includes(sessionId))
        .map((ticket) => ({ ticket, attended: ticket.sessionCheckIns.includes(sessionId) }));
    },
    updateHolder(eventUrl, barcode, update) {
      const ticket = state.ticket(eventUrl, barcode);
      ticket.attributes = update.attributes;
      ticket.questions = update.questions ?? [];
      const value = (name: string) => update.attributes.find((a) => a.name === name)?.value ?? null;
      ticket.firstName = value('First Name') ?? '';
      ticket.lastName = value('Last Name') ?? '';
      ticket.email = value('Email') ?? '';
      ticket.phoneNumber = value('Cell Phone');
      return ticket;
    },
    access,
    roleFor: (eventUrl) => access.roles.get(eventUrl) ?? 'host',
  };
  return state;
}
