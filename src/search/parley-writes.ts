/**
 * What parley itself writes to HighLevel goes into the index at once, instead of waiting for the
 * webhook or the next rescan (up to `console.indexSyncMinutes`): a conversation it created or found for
 * a contact, named with what parley knows about that contact (contact-details.ts), and each message it
 * sent or logged. The workflow actions call `indexActionWrite` after a call succeeds; the rows are the
 * same the webhook later brings, so that copy only confirms them (index-rows.ts: newer wins).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { type ContactDetails, contactDetailsOf, knownContact, rememberContact } from './contact-details.js';
import { announceIndexChange } from './index-changes.js';
import { linkEventKey, upsertConversationRow, upsertMessageRow } from './index-rows.js';

/** SendMessageBodyDto / ProcessMessageBodyDto `type` values by the TYPE_* name messages are read back with. */
const MESSAGE_TYPES: Readonly<Record<string, string>> = {
  SMS: 'TYPE_SMS',
  RCS: 'TYPE_RCS',
  Email: 'TYPE_EMAIL',
  WhatsApp: 'TYPE_WHATSAPP',
  IG: 'TYPE_INSTAGRAM',
  FB: 'TYPE_FACEBOOK',
  Custom: 'TYPE_CUSTOM_PROVIDER_SMS',
  Live_Chat: 'TYPE_LIVE_CHAT',
  TIKTOK: 'TYPE_TIKTOK',
  GMB: 'TYPE_GMB',
  WebChat: 'TYPE_WEBCHAT',
};

export function messageTypeName(type: unknown): string | null {
  if (typeof type !== 'string' || type === '') return null;
  return MESSAGE_TYPES[type] ?? type;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The string URLs of an `attachments` field; anything else is left out. */
export function attachmentUrls(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((url): url is string => typeof url === 'string' && url !== '') : [];
}

function contactFields(details: ContactDetails | null) {
  if (!details) return {};
  return {
    ...(details.name !== null ? { contactName: details.name } : {}),
    ...(details.email !== null ? { contactEmail: details.email } : {}),
    ...(details.phone !== null ? { contactPhone: details.phone } : {}),
  };
}

export interface WrittenConversation {
  conversationId: string;
  locationId: string;
  contactId: string | null;
  now: number;
}

/** A conversation parley created or found for a contact: its row, named from the contact parley knows. */
export async function indexWrittenConversation(db: Kysely<Database>, input: WrittenConversation): Promise<void> {
  const { conversationId, locationId, contactId } = input;
  const details = contactId ? await knownContact(db, locationId, contactId) : null;
  const stored = await db
    .selectFrom('index_conversations')
    .select('updated_at')
    .where('conversation_id', '=', conversationId)
    .executeTakeFirst();
  await upsertConversationRow(db, {
    conversationId,
    locationId,
    ...(contactId ? { contactId } : {}),
    ...contactFields(details),
    updatedAt: Math.max(input.now, Number(stored?.updated_at ?? 0)),
  });
  await linkEventKey(db, conversationId);
  announceIndexChange(conversationId);
}

export interface WrittenMessage {
  messageId: string;
  conversationId: string;
  locationId: string;
  contactId?: string | null;
  direction: 'inbound' | 'outbound';
  type: string | null;
  status: string | null;
  body: string | null;
  attachments?: readonly string[];
  createdAt: number;
  /** False for a send scheduled for later: it is not the conversation's last message yet. */
  movesLastMessage?: boolean;
  /** An inbound message: HighLevel counts it as unread, once (a copy the webhook brought first counted it). */
  countsUnread?: boolean;
  now: number;
}

/** A message parley sent or logged: its row, and the conversation's last message when it is the newest. */
export async function indexWrittenMessage(db: Kysely<Database>, input: WrittenMessage): Promise<void> {
  const { messageId, conversationId, locationId } = input;
  const current = await db
    .selectFrom('index_conversations')
    .select(['last_message_at', 'updated_at', 'unread_count'])
    .where('conversation_id', '=', conversationId)
    .executeTakeFirst();
  const seen = await db
    .selectFrom('index_messages')
    .select('message_id')
    .where('message_id', '=', messageId)
    .executeTakeFirst();
  // A webhook copy that got here first keeps its fields; this one only fills what is missing.
  const updatedAt = Math.max(input.now, Number(current?.updated_at ?? 0));
  await upsertMessageRow(db, {
    messageId,
    conversationId,
    locationId,
    direction: input.direction,
    type: input.type,
    status: input.status,
    body: input.body,
    ...(input.attachments ? { attachments: input.attachments } : {}),
    createdAt: input.createdAt,
    updatedAt,
  });
  const newest = (input.movesLastMessage ?? true) && (!current || input.createdAt >= Number(current.last_message_at));
  const contactId = input.contactId ?? null;
  const details = contactId ? await knownContact(db, locationId, contactId) : null;
  await upsertConversationRow(db, {
    conversationId,
    locationId,
    ...(contactId ? { contactId } : {}),
    ...contactFields(details),
    ...(newest ? { lastMessageAt: input.createdAt, lastMessageBody: input.body, status: input.status } : {}),
    ...(input.countsUnread && !seen ? { unreadCount: Number(current?.unread_count ?? 0) + 1 } : {}),
    updatedAt,
  });
  await linkEventKey(db, conversationId);
  announceIndexChange(conversationId);
}

/** What a successful HighLevel call of a workflow step was: its id, request and answer. */
export interface ActionWrite {
  operationId: string;
  /** The request as the step sent it (`body`, `path`, `query`). */
  call: { body?: unknown; path?: unknown; query?: unknown };
  /** The extras the step gave that are not request fields (e.g. the send's conversationId). */
  extras?: Record<string, unknown>;
  answer: unknown;
  locationId: string;
  now: number;
}

/** Operations whose effect `indexActionWrite` records; others are left to webhooks and the rescan. */
export const INDEXED_OPERATIONS = new Set([
  'upsert-contact',
  'create-conversation',
  'send-a-new-message',
  'add-an-inbound-message',
]);

/**
 * Records the effect of one successful call of a workflow step in the index. Returns whether the
 * operation is one the index records; a failure to record is the caller's to decide about.
 */
export async function indexActionWrite(db: Kysely<Database>, write: ActionWrite): Promise<boolean> {
  if (!INDEXED_OPERATIONS.has(write.operationId)) return false;
  const body = record(write.call.body);
  const answer = record(write.answer);
  const locationId = text(body.locationId) ?? write.locationId;
  if (write.operationId === 'upsert-contact') {
    const contact = record(answer.contact);
    const contactId = text(contact.id);
    if (!contactId) return true;
    // The answer's contact is what HighLevel kept; the request fills what an answer leaves out.
    const sent = contactDetailsOf(body);
    const kept = contactDetailsOf(contact);
    await rememberContact(db, {
      locationId: text(contact.locationId) ?? locationId,
      contactId,
      details: { name: kept.name ?? sent.name, email: kept.email ?? sent.email, phone: kept.phone ?? sent.phone },
      now: write.now,
    });
    return true;
  }
  if (write.operationId === 'create-conversation') {
    const conversation = record(answer.conversation);
    const conversationId = text(conversation.id);
    if (!conversationId) return true;
    await indexWrittenConversation(db, {
      conversationId,
      locationId: text(conversation.locationId) ?? locationId,
      contactId: text(conversation.contactId) ?? text(body.contactId),
      now: write.now,
    });
    return true;
  }
  const messageId = text(answer.messageId);
  const conversationId = text(answer.conversationId) ?? text(body.conversationId) ?? text(write.extras?.conversationId);
  if (!messageId || !conversationId) return true;
  // add-an-inbound-message logs either direction; its `direction` defaults to outbound
  // (ProcessMessageBodyDto, src/highlevel/generated/conversations.ts).
  const inbound = write.operationId === 'add-an-inbound-message' && body.direction === 'inbound';
  const scheduledAt = !inbound && typeof body.scheduledTimestamp === 'number' ? body.scheduledTimestamp * 1000 : null;
  const dated = Date.parse(text(answer.dateAdded) ?? text(body.date) ?? '');
  await indexWrittenMessage(db, {
    messageId,
    conversationId,
    locationId,
    contactId: text(body.contactId),
    direction: inbound ? 'inbound' : 'outbound',
    type: messageTypeName(body.type),
    // A send for later is mirrored as scheduled, as the console does (src/console/conversations/write-messages.ts).
    status: scheduledAt !== null ? 'scheduled' : text(answer.status),
    body: text(body.type) === 'Email' ? (text(body.html) ?? text(body.message)) : text(body.message),
    attachments: attachmentUrls(body.attachments),
    createdAt: scheduledAt ?? (Number.isNaN(dated) ? write.now : dated),
    movesLastMessage: scheduledAt === null,
    countsUnread: inbound,
    now: write.now,
  });
  return true;
}
