/**
 * Turns stored records into the spec's response shapes (types generated from conversations.openapi.json),
 * so every handler answers the same fields the same way.
 */
import type { components } from '../../../highlevel/generated/conversations.js';
import type { ContactRecord, ConversationRecord, MessageRecord, MessageType } from '../state/records.js';
import type { SandboxState } from '../state/sandbox-state.js';
import { MESSAGE_TYPE_CODES } from './message-types.js';

type Schemas = components['schemas'];
type EmailStatus = NonNullable<Schemas['GetEmailMessageResponseDto']['status']>;
type ReadStatus = NonNullable<Schemas['GetMessageResponseDto']['status']>;
/** MessageMeta.email is a bare `object` in the spec (Record<string, never> once generated); it holds messageIds. */
type MessageMeta = Omit<Schemas['MessageMeta'], 'email'> & { email?: { messageIds: string[] } };
export type MessageDto = Omit<Schemas['GetMessageResponseDto'], 'meta'> & { meta?: MessageMeta };

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function lastMessageOf(state: SandboxState, c: ConversationRecord): MessageRecord | undefined {
  return c.lastMessageId ? state.messages.get(c.lastMessageId) : undefined;
}

/** A conversation without messages reports its creation time as last message date (ConversationCreateResponseDto requires one). */
export function lastMessageDate(state: SandboxState, c: ConversationRecord): number {
  return lastMessageOf(state, c)?.dateAdded ?? c.dateAdded;
}

/** ConversationSchema requires lastMessageType; before any message we report the conversation's own channel. */
export function lastMessageType(state: SandboxState, c: ConversationRecord): MessageType {
  return lastMessageOf(state, c)?.messageType ?? (c.channel === 'phone' ? 'TYPE_SMS' : 'TYPE_EMAIL');
}

/** Search item: ConversationSchema. The handler adds the fields live responses carry beyond it. */
export function conversationSearchItem(
  state: SandboxState,
  c: ConversationRecord,
  contact: ContactRecord | undefined,
): Schemas['ConversationSchema'] {
  const name = contact?.name ?? '';
  return {
    id: c.id,
    contactId: c.contactId,
    locationId: c.locationId,
    lastMessageBody: lastMessageOf(state, c)?.body ?? '',
    lastMessageType: lastMessageType(state, c),
    type: c.channel === 'phone' ? 'TYPE_PHONE' : 'TYPE_EMAIL',
    unreadCount: c.unreadCount,
    fullName: name,
    contactName: name,
    email: contact?.email ?? '',
    phone: contact?.phone ?? '',
  };
}

/** get-conversation: numeric `type`, 1 phone and 2 email (GetConversationByIdResponse). */
export function conversationById(c: ConversationRecord): Schemas['GetConversationByIdResponse'] {
  return {
    id: c.id,
    contactId: c.contactId,
    locationId: c.locationId,
    deleted: c.deleted,
    inbox: c.inbox,
    type: c.channel === 'phone' ? 1 : 2,
    unreadCount: c.unreadCount,
    starred: c.starred,
    ...(c.assignedTo ? { assignedTo: c.assignedTo } : {}),
  };
}

/** update-conversation: ConversationDto, whose lastMessageDate is ms as a string (spec example "1628008053263"). */
export function conversationDto(state: SandboxState, c: ConversationRecord): Schemas['ConversationDto'] {
  const last = lastMessageOf(state, c);
  return {
    id: c.id,
    locationId: c.locationId,
    contactId: c.contactId,
    ...(c.assignedTo ? { assignedTo: c.assignedTo } : {}),
    ...(last ? { lastMessageBody: last.body, lastMessageType: last.messageType } : {}),
    lastMessageDate: String(lastMessageDate(state, c)),
    unreadCount: c.unreadCount,
    inbox: c.inbox,
    starred: c.starred,
    deleted: c.deleted,
  };
}

/** create-conversation: ISO dates as in the spec's examples. */
export function conversationCreated(
  state: SandboxState,
  c: ConversationRecord,
): Schemas['ConversationCreateResponseDto'] {
  return {
    id: c.id,
    dateUpdated: iso(c.dateUpdated),
    dateAdded: iso(c.dateAdded),
    deleted: c.deleted,
    contactId: c.contactId,
    locationId: c.locationId,
    lastMessageDate: iso(lastMessageDate(state, c)),
    ...(c.assignedTo ? { assignedTo: c.assignedTo } : {}),
  };
}

/** GetMessageResponseDto (get-message, get-messages, export). Only called for messages that are not cancelled. */
export function messageDto(m: MessageRecord): MessageDto {
  const meta: MessageMeta | undefined = m.call
    ? { callDuration: String(m.call.durationSeconds), callStatus: m.call.status }
    : m.email
      ? { email: { messageIds: [m.email.emailMessageId] } }
      : undefined;
  return {
    id: m.id,
    type: MESSAGE_TYPE_CODES[m.messageType],
    messageType: m.messageType,
    locationId: m.locationId,
    contactId: m.contactId,
    conversationId: m.conversationId,
    dateAdded: iso(m.dateAdded),
    body: m.body,
    direction: m.direction,
    status: m.status as ReadStatus,
    contentType: m.contentType,
    // Calls start with none ("use get call recording API", the spec) until add-message-attachments sets some.
    attachments: m.attachments,
    ...(meta ? { meta } : {}),
    source: m.source,
    ...(m.userId ? { userId: m.userId } : {}),
    ...(m.conversationProviderId ? { conversationProviderId: m.conversationProviderId } : {}),
  };
}

/** The email status enum is narrower than the read-side one; map the values it lacks. */
function emailStatus(m: MessageRecord): EmailStatus {
  switch (m.status) {
    case 'clicked':
      return 'opened';
    case 'queued':
      return 'pending';
    case 'opt_out':
    case 'cancelled':
      return 'undelivered';
    default:
      return m.status;
  }
}

/** GetEmailMessageResponseDto (get-email-by-id), for messages that carry email data. */
export function emailDto(m: MessageRecord): Schemas['GetEmailMessageResponseDto'] {
  const email = m.email!;
  return {
    id: email.emailMessageId,
    ...(m.altId ? { altId: m.altId } : {}),
    threadId: email.threadId,
    locationId: m.locationId,
    contactId: m.contactId,
    conversationId: m.conversationId,
    dateAdded: iso(m.dateAdded),
    ...(email.subject !== null ? { subject: email.subject } : {}),
    body: m.body,
    direction: m.direction,
    status: emailStatus(m),
    contentType: m.contentType,
    attachments: m.attachments,
    provider: email.provider,
    from: email.from,
    to: email.to,
    cc: email.cc,
    bcc: email.bcc,
    source: m.source,
    ...(m.conversationProviderId ? { conversationProviderId: m.conversationProviderId } : {}),
  };
}

/** The contact shape of HighLevel's contacts API, reduced to the fields the sandbox keeps. */
export function contactView(c: ContactRecord) {
  return {
    id: c.id,
    locationId: c.locationId,
    email: c.email,
    phone: c.phone,
    firstName: c.firstName,
    lastName: c.lastName,
    name: c.name,
    tags: c.tags,
    dateAdded: iso(c.dateAdded),
    dateUpdated: iso(c.dateUpdated),
  };
}
