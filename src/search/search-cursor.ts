/**
 * The search's keyset cursor: opaque base64url JSON of the last item's (last_message_at, conversation_id),
 * the two keys of the stable order (newest last message first, conversation id breaks ties). The console
 * pages messages with the same form (src/console/conversations/read-rows.ts).
 */
import { IndexError } from './index-error.js';

export type SearchCursor = [lastMessageAt: number, conversationId: string];

export function encodeCursor(at: number, id: string): string {
  return Buffer.from(JSON.stringify([at, id])).toString('base64url');
}

export function decodeCursor(cursor: string): SearchCursor {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && Number.isSafeInteger(value[0]) && typeof value[1] === 'string') {
      return [value[0], value[1]];
    }
  } catch {
    // fall through to the error below
  }
  throw new IndexError('invalid_cursor', 'cursor must be a nextCursor value returned by an earlier search');
}
