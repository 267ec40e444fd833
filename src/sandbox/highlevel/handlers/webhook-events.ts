/**
 * Webhook payloads for conversation events, with the fields HighLevel documents
 * (https://github.com/GoHighLevel/highlevel-api-docs/tree/main/docs/webhook%20events), plus
 * `messageTypeId` / `messageTypeString`, which real payloads quoted in
 * https://github.com/GoHighLevel/highlevel-api-docs/issues/260 and /issues/224 carry.
 */
import type { ContactRecord, ConversationRecord, MessageRecord } from '../state/records.js';
import type { SandboxWebhookEvent } from '../types.js';
import { MESSAGE_TYPE_CODES, webhookMessageType } from './message-types.js';
import { iso } from './views.js';

export function messageEvent(
  type: 'InboundMessage' | 'OutboundMessage',
  m: MessageRecord,
  contact: ContactRecord | undefined,
): SandboxWebhookEvent {
  const event: SandboxWebhookEvent = {
    type,
    locationId: m.locationId,
    attachments: m.attachments,
    body: m.body,
    contactId: m.contactId,
    contentType: m.contentType,
    conversationId: m.conversationId,
    dateAdded: iso(m.dateAdded),
    direction: m.direction,
    messageType: webhookMessageType(m.messageType),
    messageTypeId: MESSAGE_TYPE_CODES[m.messageType],
    messageTypeString: m.messageType,
    // Calls report the call status as `status` (the webhook docs: answered → completed; an outbound call that
    // reached voicemail still reports status completed).
    status: m.call ? callWebhookStatus(m) : m.status,
    messageId: m.id,
  };
  if (m.userId) event.userId = m.userId;
  if (m.conversationProviderId) event.conversationProviderId = m.conversationProviderId;
  if (type === 'OutboundMessage') event.source = m.source;
  if (m.call) {
    event.callDuration = m.call.durationSeconds;
    event.callStatus = m.call.status;
    event.from = m.call.from;
    event.to = m.call.to;
  } else if (m.fromNumber || m.toNumber) {
    // SMS webhooks carry from/to numbers in live payloads (highlevel-api-docs#260).
    if (m.fromNumber) event.from = m.fromNumber;
    const to = m.toNumber ?? contact?.phone;
    if (to) event.to = to;
  }
  if (m.email) {
    event.emailMessageId = m.email.emailMessageId;
    event.threadId = m.email.threadId;
    event.provider = m.email.provider;
    event.from = m.email.from;
    event.to = m.email.to;
    event.cc = m.email.cc;
    event.bcc = m.email.bcc;
    if (m.email.subject !== null) event.subject = m.email.subject;
  }
  return event;
}

function callWebhookStatus(m: MessageRecord): string {
  const status = m.call!.status;
  if (m.direction === 'outbound' && status === 'voicemail') return 'completed';
  if (status === 'answered') return 'completed';
  return status;
}

/** `ConversationUnreadUpdate` (doc file ConversationUnreadWebhook.md). */
export function unreadUpdateEvent(c: ConversationRecord): SandboxWebhookEvent {
  return {
    type: 'ConversationUnreadUpdate',
    locationId: c.locationId,
    id: c.id,
    contactId: c.contactId,
    unreadCount: c.unreadCount,
    inbox: c.inbox,
    starred: c.starred,
    deleted: c.deleted,
  };
}
