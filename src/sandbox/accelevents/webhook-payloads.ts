/**
 * Webhook bodies. Accelevents' topic names, payload schema, signing and retry policy are unknown: our
 * copy of the help article stops right before the topic list, and no sample payload exists in any public
 * source (reference/accelevents-api.md §6, §8.1). So the shape is configurable: two presets built from
 * the field names the REST answers use (§5.2, §5.4), or any function. No signature is sent, since none is
 * documented.
 */
export type AcceleventsWebhookTopic = 'attendee.registered' | 'ticket.purchased' | 'attendee.checked_in';

export const WEBHOOK_TOPICS: readonly AcceleventsWebhookTopic[] = [
  'attendee.registered',
  'ticket.purchased',
  'attendee.checked_in',
];

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
  attendee: {
    barcode: string;
    eventTicketingId: number;
    userId: number;
    firstName: string;
    lastName: string;
    email: string;
    phoneNumber: string | null;
    ticketType: string;
    ticketStatus: string;
  };
}

export type PayloadShape = (facts: WebhookFacts) => unknown;
export type PayloadShapeName = 'flat' | 'nested';

/** Upper-case type names for the nested preset, in the style of Accelevents' enums (orderType, dataType). */
const NESTED_TYPES: Record<AcceleventsWebhookTopic, string> = {
  'attendee.registered': 'REGISTRATION',
  'ticket.purchased': 'TICKET_PURCHASE',
  'attendee.checked_in': 'CHECK_IN',
};

export const PAYLOAD_SHAPES: Record<PayloadShapeName, PayloadShape> = {
  flat: (f) => ({
    topic: f.topic,
    eventUrl: f.event.eventUrl,
    barcode: f.attendee.barcode,
    orderId: f.order.orderId,
    firstName: f.attendee.firstName,
    lastName: f.attendee.lastName,
    email: f.attendee.email,
    phoneNumber: f.attendee.phoneNumber,
    ticketType: f.attendee.ticketType,
    ticketStatus: f.attendee.ticketStatus,
    purchaseDate: f.order.purchaseDate,
  }),
  nested: (f) => ({
    type: NESTED_TYPES[f.topic],
    timestamp: new Date(f.occurredAt).toISOString(),
    data: { order: f.order, attendee: f.attendee, event: f.event },
  }),
};

export function isTopic(value: unknown): value is AcceleventsWebhookTopic {
  return typeof value === 'string' && (WEBHOOK_TOPICS as readonly string[]).includes(value);
}
