/**
 * Index rows to the read side's views, and the opaque keyset cursor of message pages (the same
 * base64url-JSON form as the search's cursor in src/search/search-conversations.ts).
 */
import type { Selectable } from 'kysely';
import { attachmentsOf } from '../../search/index-rows.js';
import type { IndexConversationsTable, IndexMessagesTable } from '../../store/schema.js';
import { ConsoleError } from '../console-error.js';
import type { ConversationView, MessageView } from './views.js';

export type ConversationRow = Selectable<IndexConversationsTable>;
export type MessageRow = Selectable<IndexMessagesTable>;

export function conversationViewOf(row: ConversationRow): ConversationView {
  return {
    conversationId: row.conversation_id,
    locationId: row.location_id,
    contactId: row.contact_id,
    contactName: row.contact_name,
    contactEmail: row.contact_email,
    contactPhone: row.contact_phone,
    eventKey: row.event_key,
    unreadCount: Number(row.unread_count),
    starred: Number(row.starred) === 1,
    sponsor: Number(row.sponsor) === 1,
    lastMessageAt: Number(row.last_message_at),
    lastMessageBody: row.last_message_body,
  };
}

export function messageViewOf(row: MessageRow): MessageView {
  return {
    messageId: row.message_id,
    conversationId: row.conversation_id,
    direction: row.direction,
    type: row.type,
    status: row.status,
    body: row.body,
    createdAt: Number(row.created_at),
    hasRecording: Number(row.has_recording) === 1,
    hasTranscript: row.transcript !== null,
    attachments: attachmentsOf(row.attachments),
  };
}

export function encodeMessageCursor(createdAt: number, messageId: string): string {
  return Buffer.from(JSON.stringify([createdAt, messageId])).toString('base64url');
}

export function decodeMessageCursor(cursor: string): [number, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && typeof value[0] === 'number' && typeof value[1] === 'string') {
      return [value[0], value[1]];
    }
  } catch {
    // fall through to the error below
  }
  throw new ConsoleError('invalid_request', 'cursor must be a nextCursor value returned by an earlier page', {
    field: 'cursor',
  });
}

/** HighLevel dates arrive as ISO strings or epoch-ms numbers/strings (specs/highlevel/apps/conversations.json). */
export function epochMs(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value !== '') {
    const parsed = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
    return Number.isFinite(parsed) ? parsed : null;
  }
  return null;
}
