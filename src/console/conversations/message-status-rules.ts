/**
 * Which messages HighLevel lets a status be set on (update-message-status), so the thread offers the
 * control only there and the API refuses the rest with a sentence instead of HighLevel's error: an
 * outbound message that has reached its provider. A scheduled one is refused until then (HighLevel
 * answers 403, docs/highlevel-api.md); an inbound message has no delivery status; a call's status is
 * the call's own; a cancelled send went nowhere.
 */
import type { MessageView } from './views.js';

/**
 * Statuses of a sent message (GetMessageResponseDto.status in src/highlevel/generated/conversations.ts)
 * that a provider may move on, to one of UpdateMessageStatusDto's (MESSAGE_STATUSES).
 */
export const CHANGEABLE_STATUSES: ReadonlySet<string> = new Set([
  'pending',
  'queued',
  'sent',
  'delivered',
  'read',
  'failed',
  'undelivered',
  'opened',
  'clicked',
]);

const CALL_TYPES = new Set(['TYPE_CALL', 'CALL', 'TYPE_IVR_CALL', 'TYPE_CUSTOM_CALL', 'TYPE_CAMPAIGN_CALL']);

type StatusFacts = Pick<MessageView, 'direction' | 'type' | 'status'>;

/**
 * Why the message's status cannot be set, as a sentence with what to do instead; null when HighLevel
 * would take it. `unknownIsChangeable`: what to answer for a message whose direction or status the index
 * does not know yet (the API lets HighLevel judge; the page shows no control).
 */
export function statusChangeRefusal(message: StatusFacts, unknownIsChangeable = false): string | null {
  if (message.direction === 'inbound') {
    return 'Only messages sent to the attendee have a delivery status; this one came from them, so there is nothing to set.';
  }
  if (message.type !== null && CALL_TYPES.has(message.type.toUpperCase())) {
    return "A call's status comes from the call itself; HighLevel does not let it be set here.";
  }
  if (message.status === 'scheduled') {
    return 'This message is scheduled and has not reached its provider yet, so HighLevel does not take a status for it. Cancel the scheduled send, or set the status once it has gone out.';
  }
  if (message.status === 'cancelled' || message.status === 'canceled') {
    return 'This scheduled send was cancelled and never went out, so it has no delivery status to set.';
  }
  if (message.direction === null || message.status === null) {
    return unknownIsChangeable
      ? null
      : 'parley does not know this message’s delivery status yet; reload the conversation once HighLevel has reported it.';
  }
  if (!CHANGEABLE_STATUSES.has(message.status)) {
    return `HighLevel does not let a message whose status is "${message.status}" be given a delivery status.`;
  }
  return null;
}

export function statusChangeable(message: StatusFacts): boolean {
  return statusChangeRefusal(message) === null;
}
