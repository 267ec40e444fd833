/**
 * Writes to the mirror tables. Both upserts are idempotent on the HighLevel id; a row only changes when
 * the incoming `updatedAt` is at least the stored one, so a late, older copy never overwrites a newer one.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { IndexError } from './index-error.js';

export interface ConversationInput {
  conversationId: string;
  locationId: string;
  contactId?: string | null;
  contactName?: string | null;
  contactEmail?: string | null;
  contactPhone?: string | null;
  eventKey?: string | null;
  unreadCount?: number;
  starred?: boolean;
  lastMessageAt?: number;
  lastMessageBody?: string | null;
  status?: string | null;
  sponsor?: boolean;
  /** When this copy was true (epoch ms); newer wins. */
  updatedAt: number;
}

export interface MessageInput {
  messageId: string;
  conversationId: string;
  locationId: string;
  direction?: string | null;
  type?: string | null;
  status?: string | null;
  body?: string | null;
  createdAt: number;
  hasRecording?: boolean;
  transcript?: string | null;
  /** Attachment URLs; left out, the stored ones stay; an empty list clears them. */
  attachments?: readonly string[] | null;
  updatedAt: number;
}

export function requireText(value: unknown, field: string): void {
  if (typeof value !== 'string' || value === '') {
    throw new IndexError('invalid_argument', `${field} must be a non-empty string, got ${JSON.stringify(value)}`);
  }
}

export function requireTime(value: unknown, field: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new IndexError('invalid_argument', `${field} must be epoch milliseconds, got ${JSON.stringify(value)}`);
  }
}

/** Fields the input leaves out keep their stored value on update (and the column default on insert). */
export async function upsertConversationRow(db: Kysely<Database>, input: ConversationInput): Promise<void> {
  requireText(input.conversationId, 'conversationId');
  requireText(input.locationId, 'locationId');
  requireTime(input.updatedAt, 'updatedAt');
  const set = {
    location_id: input.locationId,
    ...(input.contactId !== undefined ? { contact_id: input.contactId } : {}),
    ...(input.contactName !== undefined ? { contact_name: input.contactName } : {}),
    ...(input.contactEmail !== undefined ? { contact_email: input.contactEmail?.toLowerCase() ?? null } : {}),
    ...(input.contactPhone !== undefined ? { contact_phone: input.contactPhone } : {}),
    ...(input.eventKey !== undefined ? { event_key: input.eventKey } : {}),
    ...(input.unreadCount !== undefined ? { unread_count: input.unreadCount } : {}),
    ...(input.starred !== undefined ? { starred: input.starred ? 1 : 0 } : {}),
    ...(input.lastMessageAt !== undefined ? { last_message_at: input.lastMessageAt } : {}),
    ...(input.lastMessageBody !== undefined ? { last_message_body: input.lastMessageBody } : {}),
    ...(input.status !== undefined ? { status: input.status } : {}),
    ...(input.sponsor !== undefined ? { sponsor: input.sponsor ? 1 : 0 } : {}),
    updated_at: input.updatedAt,
  };
  await db
    .insertInto('index_conversations')
    .values({
      conversation_id: input.conversationId,
      unread_count: 0,
      starred: 0,
      last_message_at: 0,
      sponsor: 0,
      ...set,
    })
    .onConflict((oc) =>
      oc.column('conversation_id').doUpdateSet(set).where('index_conversations.updated_at', '<=', input.updatedAt),
    )
    .execute();
}

function attachmentsJson(urls: readonly string[] | null): string | null {
  if (urls === null || urls.length === 0) return null;
  if (!urls.every((url) => typeof url === 'string' && url !== '')) {
    throw new IndexError('invalid_argument', `attachments must be a list of URLs, got ${JSON.stringify(urls)}`);
  }
  return JSON.stringify(urls);
}

/** The stored `attachments` column as the list of URLs it holds ([] for none or a malformed value). */
export function attachmentsOf(stored: string | null): string[] {
  if (stored === null) return [];
  try {
    const value = JSON.parse(stored) as unknown;
    return Array.isArray(value) ? value.filter((url): url is string => typeof url === 'string') : [];
  } catch {
    return [];
  }
}

export async function upsertMessageRow(db: Kysely<Database>, input: MessageInput): Promise<void> {
  requireText(input.messageId, 'messageId');
  requireText(input.conversationId, 'conversationId');
  requireText(input.locationId, 'locationId');
  requireTime(input.createdAt, 'createdAt');
  requireTime(input.updatedAt, 'updatedAt');
  const set = {
    conversation_id: input.conversationId,
    location_id: input.locationId,
    created_at: input.createdAt,
    ...(input.direction !== undefined ? { direction: input.direction } : {}),
    ...(input.type !== undefined ? { type: input.type } : {}),
    ...(input.status !== undefined ? { status: input.status } : {}),
    ...(input.body !== undefined ? { body: input.body } : {}),
    ...(input.hasRecording !== undefined ? { has_recording: input.hasRecording ? 1 : 0 } : {}),
    ...(input.transcript !== undefined ? { transcript: input.transcript } : {}),
    ...(input.attachments !== undefined ? { attachments: attachmentsJson(input.attachments) } : {}),
    updated_at: input.updatedAt,
  };
  await db
    .insertInto('index_messages')
    .values({ message_id: input.messageId, has_recording: 0, ...set })
    .onConflict((oc) =>
      oc.column('message_id').doUpdateSet(set).where('index_messages.updated_at', '<=', input.updatedAt),
    )
    .execute();
}

/**
 * Fills a conversation's event from the attendee links the welcome flow keeps (`attendee_links`), so
 * the search's event filter works for mirrored conversations. Check-in links (prefix `check-in:`) name
 * the same event under another key and are skipped; an event already set is kept.
 */
export async function linkEventKey(db: Kysely<Database>, conversationId: string): Promise<void> {
  const row = await db
    .selectFrom('index_conversations')
    .select(['location_id', 'contact_id', 'event_key'])
    .where('conversation_id', '=', conversationId)
    .executeTakeFirst();
  if (!row || row.event_key !== null || row.contact_id === null) return;
  const link = await db
    .selectFrom('attendee_links')
    .select('event_key')
    .where('location_id', '=', row.location_id)
    .where('contact_id', '=', row.contact_id)
    .where('event_key', 'not like', 'check-in:%')
    .orderBy('created_at')
    .executeTakeFirst();
  if (!link) return;
  await db
    .updateTable('index_conversations')
    .set({ event_key: link.event_key })
    .where('conversation_id', '=', conversationId)
    .execute();
}
