/**
 * Builds the facts a webhook payload is shaped from (webhook-payloads.ts) out of the sandbox's records:
 * the ticket the delivery is about, its order and event, and what the topic adds (the session checked
 * into, or every holder when one delivery covers a whole order).
 */
import type { AcceleventsSandboxState, AnnounceExtra, SandboxTicket } from './sandbox-state.js';
import type { AcceleventsWebhookTopic, WebhookFacts, WebhookHolder } from './webhook-payloads.js';

function holderOf(ticket: SandboxTicket): WebhookHolder {
  return {
    barcode: ticket.barcode,
    eventTicketingId: ticket.eventTicketingId,
    userId: ticket.userId,
    firstName: ticket.firstName,
    lastName: ticket.lastName,
    email: ticket.email,
    phoneNumber: ticket.phoneNumber,
    ticketType: ticket.ticketType,
    ticketStatus: ticket.ticketStatus,
  };
}

export function factsOf(
  topic: AcceleventsWebhookTopic,
  ticket: SandboxTicket,
  state: AcceleventsSandboxState,
  at: number,
  extra: AnnounceExtra = {},
): WebhookFacts {
  const ev = state.event(ticket.eventUrl);
  const { order, tickets } = state.order(ticket.eventUrl, ticket.orderId);
  const facts: WebhookFacts = {
    topic,
    occurredAt: at,
    event: { eventId: ev.eventId, eventUrl: ev.eventUrl, eventName: ev.eventName },
    order: {
      orderId: order.orderId,
      purchaseDate: new Date(order.purchaseDate).toISOString(),
      // A single-holder delivery states that holder's ticket; a whole-order one the order's total.
      totalAmount: extra.wholeOrder ? tickets.reduce((sum, t) => sum + t.ticketPrice, 0) : ticket.ticketPrice,
      purchaser: { ...order.purchaser },
    },
    attendee: holderOf(ticket),
  };
  if (extra.session) facts.session = { sessionId: extra.session.sessionId, title: extra.session.title };
  if (extra.wholeOrder) facts.holders = tickets.map(holderOf);
  return facts;
}
