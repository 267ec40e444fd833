/**
 * Mirrors the three HighLevel conversation webhooks (`docs/webhook events/` in
 * https://github.com/GoHighLevel/highlevel-api-docs) into the index:
 * InboundMessage and OutboundMessage record the message and move the conversation's last message;
 * an inbound message the index had not seen adds one to unread (a redelivery adds nothing);
 * ConversationUnreadUpdate sets unread and starred, and a `deleted: true` one removes the conversation.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { announceIndexChange } from './index-changes.js';
import { linkEventKey, upsertConversationRow, upsertMessageRow } from './index-rows.js';

export type WebhookOutcome = 'message_recorded' | 'message_seen' | 'unread_applied' | 'deleted' | 'ignored';

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** `dateAdded` arrives as an ISO string in the docs' examples, ms numbers in some live payloads. */
function timeOf(value: unknown, fallback: number): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string') {
    const parsed = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
    if (Number.isFinite(parsed)) return parsed;
  }
  return fallback;
}

const CALL_TYPES = new Set(['CALL', 'TYPE_CALL']);

function urlsOf(list: unknown[]): string[] {
  return list.filter((url): url is string => typeof url === 'string' && url !== '');
}

export async function applyWebhookEventTo(
  db: Kysely<Database>,
  event: Record<string, unknown>,
  now: number,
): Promise<WebhookOutcome> {
  const outcome = await applyEvent(db, event, now);
  const conversationId =
    event.type === 'ConversationUnreadUpdate'
      ? (text(event.id) ?? text(event.conversationId))
      : text(event.conversationId);
  // After the commit, so a live reader woken by it sees the rows.
  if (outcome !== 'ignored' && conversationId) announceIndexChange(conversationId);
  return outcome;
}

async function applyEvent(db: Kysely<Database>, event: Record<string, unknown>, now: number): Promise<WebhookOutcome> {
  const locationId = text(event.locationId);
  if (!locationId) return 'ignored';

  if (event.type === 'ConversationUnreadUpdate') {
    const conversationId = text(event.id) ?? text(event.conversationId);
    if (!conversationId) return 'ignored';
    if (event.deleted === true) {
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('index_messages').where('conversation_id', '=', conversationId).execute();
        await trx.deleteFrom('index_sponsor_conversations').where('conversation_id', '=', conversationId).execute();
        await trx.deleteFrom('index_conversations').where('conversation_id', '=', conversationId).execute();
      });
      return 'deleted';
    }
    await upsertConversationRow(db, {
      conversationId,
      locationId,
      ...(text(event.contactId) ? { contactId: text(event.contactId) } : {}),
      ...(typeof event.unreadCount === 'number' ? { unreadCount: event.unreadCount } : {}),
      ...(typeof event.starred === 'boolean' ? { starred: event.starred } : {}),
      updatedAt: now,
    });
    return 'unread_applied';
  }

  if (event.type !== 'InboundMessage' && event.type !== 'OutboundMessage') return 'ignored';
  const messageId = text(event.messageId);
  const conversationId = text(event.conversationId);
  if (!messageId || !conversationId) return 'ignored';
  const inbound = event.type === 'InboundMessage';
  const createdAt = timeOf(event.dateAdded, now);
  const type = text(event.messageTypeString) ?? text(event.messageType);

  return db.transaction().execute(async (trx) => {
    const seen = await trx
      .selectFrom('index_messages')
      .select('message_id')
      .where('message_id', '=', messageId)
      .executeTakeFirst();
    await upsertMessageRow(trx, {
      messageId,
      conversationId,
      locationId,
      direction: inbound ? 'inbound' : 'outbound',
      type,
      status: text(event.status),
      body: text(event.body),
      createdAt,
      hasRecording: type !== null && CALL_TYPES.has(type.toUpperCase()),
      ...(Array.isArray(event.attachments) ? { attachments: urlsOf(event.attachments) } : {}),
      updatedAt: now,
    });
    if (seen) return 'message_seen';

    const current = await trx
      .selectFrom('index_conversations')
      .select(['unread_count', 'last_message_at'])
      .where('conversation_id', '=', conversationId)
      .executeTakeFirst();
    const newest = !current || createdAt >= current.last_message_at;
    await upsertConversationRow(trx, {
      conversationId,
      locationId,
      ...(text(event.contactId) ? { contactId: text(event.contactId) } : {}),
      ...(inbound ? { unreadCount: (current?.unread_count ?? 0) + 1 } : {}),
      ...(newest ? { lastMessageAt: createdAt, lastMessageBody: text(event.body), status: text(event.status) } : {}),
      updatedAt: now,
    });
    await linkEventKey(trx, conversationId);
    return 'message_recorded';
  });
}
