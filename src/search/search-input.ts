/**
 * What agent search takes and returns, and the input checks: bad input is an IndexError
 * naming the field and what was expected.
 */
import { IndexError } from './index-error.js';

export interface SearchInput {
  locationId?: string;
  attendee?: { id?: string; email?: string; name?: string };
  /**
   * Free text over message bodies and call transcripts. A conversation matches when its messages
   * together hold every word (stemmed: "tickets" finds "ticket").
   */
  topic?: string;
  status?: 'read' | 'unread' | 'starred';
  eventKey?: string;
  /** Inclusive bounds on the last message time, epoch ms. */
  from?: number;
  to?: number;
  sponsorOnly?: boolean;
  /** Only conversations in the channel of one of these sponsors (keys); an empty list matches nothing. */
  sponsorKeys?: readonly string[];
  limit: number;
  cursor?: string | null;
}

export interface SearchItem {
  conversationId: string;
  locationId: string;
  contactId: string | null;
  contactName: string | null;
  contactEmail: string | null;
  lastMessageAt: number;
  lastMessageBody: string | null;
  unreadCount: number;
  starred: boolean;
  /** A sponsor-channel conversation (where a sponsor's staff answer their leads); the console shows a badge. */
  sponsor: boolean;
  /** Snippets of the messages holding the topic's words (topic searches only), matched words in [brackets]. */
  matches: string[];
}

export interface SearchResult {
  items: SearchItem[];
  nextCursor: string | null;
}

export const MAX_SEARCH_LIMIT = 500;

export function validateSearchInput(input: SearchInput): void {
  if (!Number.isInteger(input.limit) || input.limit < 1 || input.limit > MAX_SEARCH_LIMIT) {
    throw new IndexError(
      'invalid_argument',
      `limit must be a whole number from 1 to ${MAX_SEARCH_LIMIT}, got ${JSON.stringify(input.limit)}`,
    );
  }
  if (input.status !== undefined && !['read', 'unread', 'starred'].includes(input.status)) {
    throw new IndexError(
      'invalid_argument',
      `status must be read, unread or starred, got ${JSON.stringify(input.status)}`,
    );
  }
  for (const key of ['from', 'to'] as const) {
    const value = input[key];
    if (value !== undefined && !Number.isFinite(value)) {
      throw new IndexError('invalid_argument', `${key} must be epoch milliseconds, got ${JSON.stringify(value)}`);
    }
  }
}
