/**
 * What parley itself writes to HighLevel goes into the index at once, instead of waiting for the
 * webhook or the next rescan (up to `console.indexSyncMinutes`): a conversation it created or found for
 * a contact, named with what parley knows about that contact (contact-details.ts), and each message it
 * sent or logged. The workflow actions call `indexActionWrite` after a call succeeds; the rows are the
 * same the webhook later brings, so that copy only confirms them (index-rows.ts: newer wins).
 */
import type { Kysely, RawBuilder, Transaction } from 'kysely';
import { compiledStatement, runStatement } from '../store/compiled-statement.js';
import type { Database } from '../store/schema.js';
import { type ContactDetails, contactDetailsOf } from './contact-details.js';
import { announceIndexChange } from './index-changes.js';
import { IndexError } from './index-error.js';
import { requireText, requireTime } from './index-rows.js';
import * as statements from './parley-write-statements.js';

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

type Db = Kysely<Database> | Transaction<Database>;

/** Runs statement `key` of parley-write-statements.ts, compiled for `db` on first use. */
function run<R = unknown>(
  db: Db,
  root: Kysely<Database>,
  key: string,
  build: (p: readonly number[]) => RawBuilder<unknown>,
  values: readonly unknown[],
) {
  return runStatement<Database, R>(db, compiledStatement(root, key, build, values.length), values);
}

/**
 * Keeps what parley learnt about a contact and names the contact's conversation rows with it: the
 * rules of `rememberContact` (contact-details.ts), in one statement, two when the contact has
 * conversation rows.
 */
async function rememberWrittenContact(
  db: Kysely<Database>,
  input: { locationId: string; contactId: string; details: ContactDetails; now: number },
): Promise<void> {
  const { locationId, contactId, details, now } = input;
  const email = details.email?.toLowerCase() ?? null;
  const stored = await run<ContactDetails & { conversations: unknown }>(
    db,
    db,
    'upsertContact',
    statements.upsertContact,
    [locationId, contactId, details.name, email, details.phone, now],
  );
  const merged = stored.rows[0] ?? { name: details.name, email, phone: details.phone, conversations: 1 };
  if (Number(merged.conversations) === 0) return;
  if (merged.name === null && merged.email === null && merged.phone === null) return;
  await run(db, db, 'nameConversations', statements.nameConversations, [
    merged.name,
    merged.email,
    merged.phone,
    locationId,
    contactId,
  ]);
}

export interface WrittenConversation {
  conversationId: string;
  locationId: string;
  contactId: string | null;
  now: number;
}

/** A conversation parley created or found for a contact: its row, named from the contact parley knows. */
export async function indexWrittenConversation(db: Kysely<Database>, input: WrittenConversation): Promise<void> {
  const { conversationId, locationId } = input;
  requireText(conversationId, 'conversationId');
  requireText(locationId, 'locationId');
  requireTime(input.now, 'updatedAt');
  await run(db, db, 'writtenConversation', statements.writtenConversation, [
    conversationId,
    locationId,
    input.contactId || null,
    input.now,
  ]);
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

function attachmentsJson(urls: readonly string[]): string | null {
  if (urls.length === 0) return null;
  if (!urls.every((url) => typeof url === 'string' && url !== '')) {
    throw new IndexError('invalid_argument', `attachments must be a list of URLs, got ${JSON.stringify(urls)}`);
  }
  return JSON.stringify(urls);
}

/**
 * A message parley sent or logged: its row, and the conversation's last message when it is the newest.
 * The statements decide from the stored rows themselves (parley-write-statements.ts), so an outbound
 * message is two statements and no read; an inbound one first asks whether a webhook copy got here
 * first (and counted it unread). The message's `updated_at` reads the conversation's after its update,
 * which is the later of now and the stored one, as before it.
 */
export async function indexWrittenMessage(db: Kysely<Database>, input: WrittenMessage): Promise<void> {
  const { messageId, conversationId, locationId } = input;
  requireText(messageId, 'messageId');
  requireText(conversationId, 'conversationId');
  requireText(locationId, 'locationId');
  requireTime(input.createdAt, 'createdAt');
  requireTime(input.now, 'updatedAt');
  const attachments = input.attachments === undefined ? undefined : attachmentsJson(input.attachments);
  const seen = input.countsUnread
    ? (await run(db, db, 'readMessageId', statements.readMessageId, [messageId])).rows.length > 0
    : false;
  // The conversation first: moving its last message rebuilds its topic document (migration 0007's
  // triggers) before the message is in it, and the message's insert then adds it, so the message's
  // text is tokenized once instead of three times. The documents come out the same.
  const moves = input.movesLastMessage ?? true;
  const unread = input.countsUnread === true && !seen;
  await run(db, db, `messageConversation:${moves}:${unread}`, statements.messageConversation(moves, unread), [
    conversationId,
    locationId,
    input.contactId || null,
    input.createdAt,
    input.body,
    input.status,
    input.now,
  ]);
  const withAttachments = attachments !== undefined;
  await run(db, db, `upsertMessage:${withAttachments}`, statements.upsertMessage(withAttachments), [
    messageId,
    conversationId,
    locationId,
    input.direction,
    input.type,
    input.status,
    input.body,
    attachments ?? null,
    input.createdAt,
    input.now,
  ]);
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
    await rememberWrittenContact(db, {
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
