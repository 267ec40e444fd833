/**
 * Webhook bodies. Accelevents' topic names, payload schema, signing and retry policy are unknown: its
 * help article stops right before the topic list, and no sample payload exists in any public source. So
 * the shape is configurable: two presets built from the field names the REST answers use
 * (representations.ts), or any function. No signature is sent, since none is documented.
 */
export type AcceleventsWebhookTopic =
  | 'attendee.registered'
  | 'ticket.purchased'
  | 'attendee.checked_in'
  | 'ticket.status_changed'
  | 'session.checked_in';

export const WEBHOOK_TOPICS: readonly AcceleventsWebhookTopic[] = [
  'attendee.registered',
  'ticket.purchased',
  'attendee.checked_in',
  'ticket.status_changed',
  'session.checked_in',
];

/** One ticket holder as the webhook facts describe them. */
export interface WebhookHolder {
  barcode: string;
  eventTicketingId: number;
  userId: number;
  firstName: string;
  lastName: string;
  email: string;
  phoneNumber: string | null;
  ticketType: string;
  ticketStatus: string;
}

/** Everything the sandbox knows about one webhook-worthy happening; presets pick from it. */
export interface WebhookFacts {
  topic: AcceleventsWebhookTopic;
  /** Epoch ms. */
  occurredAt: number;
  event: { eventId: number; eventUrl: string; eventName: string };
  order: {
    orderId: number;
    purchaseDate: string;
    totalAmount: number;
    purchaser: { firstName: string; lastName: string; email: string };
  };
  /** The holder the delivery is about; for a whole-order delivery, the order's first holder. */
  attendee: WebhookHolder;
  /** session.checked_in only: the session checked into. */
  session?: { sessionId: number; title: string };
  /** Only on a ticket.purchased delivery about a whole order: every holder of it, in order. */
  holders?: WebhookHolder[];
}

export type PayloadShape = (facts: WebhookFacts) => unknown;
export type PayloadShapeName = 'flat' | 'nested';

/** Upper-case type names for the nested preset, in the style of Accelevents' enums (orderType, dataType). */
const NESTED_TYPES: Record<AcceleventsWebhookTopic, string> = {
  'attendee.registered': 'REGISTRATION',
  'ticket.purchased': 'TICKET_PURCHASE',
  'attendee.checked_in': 'CHECK_IN',
  'ticket.status_changed': 'TICKET_STATUS_CHANGED',
  'session.checked_in': 'SESSION_CHECK_IN',
};

/** A holder in an order's list (flat `attendees[]`, nested `data.order.tickets[]`). */
function orderTicket(h: WebhookHolder): Record<string, unknown> {
  return {
    barcode: h.barcode,
    eventTicketingId: h.eventTicketingId,
    firstName: h.firstName,
    lastName: h.lastName,
    email: h.email,
    phoneNumber: h.phoneNumber,
    ticketType: h.ticketType,
    ticketStatus: h.ticketStatus,
  };
}

function flat(f: WebhookFacts): Record<string, unknown> {
  if (f.holders) {
    return {
      topic: f.topic,
      eventUrl: f.event.eventUrl,
      eventName: f.event.eventName,
      orderId: f.order.orderId,
      purchaseDate: f.order.purchaseDate,
      purchaser: f.order.purchaser,
      attendees: f.holders.map(orderTicket),
    };
  }
  return {
    topic: f.topic,
    eventUrl: f.event.eventUrl,
    eventName: f.event.eventName,
    barcode: f.attendee.barcode,
    orderId: f.order.orderId,
    firstName: f.attendee.firstName,
    lastName: f.attendee.lastName,
    email: f.attendee.email,
    phoneNumber: f.attendee.phoneNumber,
    ticketType: f.attendee.ticketType,
    ticketStatus: f.attendee.ticketStatus,
    purchaseDate: f.order.purchaseDate,
    ...(f.session ? { sessionId: f.session.sessionId, sessionName: f.session.title } : {}),
  };
}

function nested(f: WebhookFacts): Record<string, unknown> {
  const envelope = { type: NESTED_TYPES[f.topic], timestamp: new Date(f.occurredAt).toISOString() };
  if (f.holders) {
    return { ...envelope, data: { order: { ...f.order, tickets: f.holders.map(orderTicket) }, event: f.event } };
  }
  return {
    ...envelope,
    data: { order: f.order, attendee: f.attendee, event: f.event, ...(f.session ? { session: f.session } : {}) },
  };
}

export const PAYLOAD_SHAPES: Record<PayloadShapeName, PayloadShape> = { flat, nested };

export function isTopic(value: unknown): value is AcceleventsWebhookTopic {
  return typeof value === 'string' && (WEBHOOK_TOPICS as readonly string[]).includes(value);
}
