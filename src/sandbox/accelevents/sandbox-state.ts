/**
 * The sandbox's in-memory Accelevents: sample events, ticket holders grouped in orders, their holder
 * data, check-in state and the key's access (plan and role per event). It knows nothing of HTTP; every
 * change that Accelevents would announce by webhook is reported through `announce`.
 */
import { seedPerson } from '../highlevel/seed-people.js';
import { failures } from './api-failure.js';
import { type SandboxEvent, type SandboxRole, sampleEvents } from './sample-events.js';
import type { AcceleventsWebhookTopic } from './webhook-payloads.js';

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
  ticketStatus: 'BOOKED' | 'CHECKED_IN';
  checkedInAt: number | null;
  purchaseDate: number;
  attributes: HolderAnswer[];
  questions: HolderAnswer[];
}

export interface SandboxOrder {
  orderId: number;
  eventUrl: string;
  purchaseDate: number;
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
  /** Check in (or out with `checkIn: false`); announces `attendee.checked_in`. */
  checkIn(eventUrl: string, barcode: string, checkIn?: boolean): SandboxTicket;
  /** Replaces the holder's attributes and questions, as PUT does (§4: omitted fields are reset). */
  updateHolder(
    eventUrl: string,
    barcode: string,
    update: { attributes: HolderAnswer[]; questions?: HolderAnswer[] },
  ): SandboxTicket;
  /** The key's access: API on the plan, and its role per event (default host everywhere). */
  access: { planEnabled: boolean; roles: Map<string, SandboxRole> };
  roleFor(eventUrl: string): SandboxRole;
}

export interface StateOptions {
  now: () => number;
  attendeesPerEvent: number;
  announce: (topic: AcceleventsWebhookTopic, ticket: SandboxTicket) => void;
}

const HOUR = 3_600_000;

export function createSandboxState(options: StateOptions): AcceleventsSandboxState {
  const { now, announce } = options;
  const events = sampleEvents(now());
  const tickets = new Map<string, SandboxTicket[]>(events.map((e) => [e.eventUrl, []]));
  const orders = new Map<number, SandboxOrder>();
  let nextOrderId = 500_001;
  let nextTicketId = 700_001;
  let nextUserId = 900_001;
  const access = { planEnabled: true, roles: new Map<string, SandboxRole>() };

  const event = (eventUrl: string) => {
    const found = events.find((e) => e.eventUrl === eventUrl);
    if (!found) throw failures.eventNotFound();
    return found;
  };

  function addTicket(input: RegisterInput, purchaseDate: number): { order: SandboxOrder; ticket: SandboxTicket } {
    const ev = event(input.eventUrl);
    const type =
      input.ticketType === undefined
        ? ev.ticketTypes[0]!
        : ev.ticketTypes.find((t) => t.name === input.ticketType || t.typeId === Number(input.ticketType));
    if (!type) {
      const known = ev.ticketTypes.map((t) => `${t.name} (${t.typeId})`).join(', ');
      throw failures.badRequest(
        `ticketType ${JSON.stringify(input.ticketType)} is not a ticket type of ${ev.eventUrl}; known: ${known}`,
      );
    }
    const orderId = nextOrderId++;
    const ticketId = nextTicketId++;
    const ticket: SandboxTicket = {
      // Deterministic, so sample data looks the same after every restart.
      barcode: `AE${ev.eventId}-${ticketId}`,
      eventTicketingId: ticketId,
      attendeeId: ticketId,
      orderId,
      userId: nextUserId++,
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
    const order: SandboxOrder = { orderId, eventUrl: ev.eventUrl, purchaseDate, barcodes: [ticket.barcode] };
    orders.set(orderId, order);
    tickets.get(ev.eventUrl)!.push(ticket);
    return { order, ticket };
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
      for (const field of ['firstName', 'lastName', 'email'] as const) {
        if (typeof input[field] !== 'string' || input[field].trim() === '') {
          throw failures.badRequest(`${field} is required`);
        }
      }
      const result = addTicket(input, now());
      announce('attendee.registered', result.ticket);
      if (result.ticket.ticketPrice > 0) announce('ticket.purchased', result.ticket);
      return result;
    },
    checkIn(eventUrl, barcode, checkIn = true) {
      const ticket = state.ticket(eventUrl, barcode);
      if (checkIn && ticket.ticketStatus === 'CHECKED_IN') throw failures.ticketAlreadyUsed();
      if (!checkIn && ticket.ticketStatus === 'BOOKED') throw failures.alreadyBooked();
      ticket.ticketStatus = checkIn ? 'CHECKED_IN' : 'BOOKED';
      ticket.checkedInAt = checkIn ? now() : null;
      if (checkIn) announce('attendee.checked_in', ticket);
      return ticket;
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
