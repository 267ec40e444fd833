/**
 * The sponsor channel in the local index: a conversation routed to a sponsor (sponsor-routing.ts) gets
 * a row in index_sponsor_conversations per sponsor and the `sponsor` flag, and a sponsor's console
 * users see only conversations with a row for their own sponsor (src/console/conversations/).
 * Rows are only added: a later message that names no sponsor leaves the conversation where it is.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { IndexError } from './index-error.js';

export interface JoinSponsorChannelInput {
  conversationId: string;
  locationId: string;
  /** Sponsor keys (src/search/sponsor-settings.ts). */
  sponsors: readonly string[];
  /** The inbound message that named them; null when a contact tag did. */
  messageId: string | null;
  now: number;
}

/**
 * Adds the conversation to each sponsor's channel and returns the sponsors this message brought it
 * to. A retried job gets the same answer: the row remembers the message that created it.
 */
export async function joinSponsorChannel(db: Kysely<Database>, input: JoinSponsorChannelInput): Promise<string[]> {
  if (typeof input.conversationId !== 'string' || input.conversationId === '') {
    throw new IndexError(
      'invalid_argument',
      `conversationId must be a non-empty string, got ${JSON.stringify(input.conversationId)}`,
    );
  }
  const sponsors = [...new Set(input.sponsors)];
  if (sponsors.length === 0) return [];
  await db
    .insertInto('index_sponsor_conversations')
    .values(
      sponsors.map((sponsor) => ({
        conversation_id: input.conversationId,
        sponsor,
        location_id: input.locationId,
        joined_by_message_id: input.messageId,
        joined_at: input.now,
      })),
    )
    .onConflict((oc) => oc.columns(['conversation_id', 'sponsor']).doNothing())
    .execute();
  // Not through upsertConversationRow: being routed is not a HighLevel change, so updated_at stays.
  await db
    .updateTable('index_conversations')
    .set({ sponsor: 1 })
    .where('conversation_id', '=', input.conversationId)
    .where('sponsor', '=', 0)
    .execute();
  if (input.messageId === null) return [];
  const joined = await db
    .selectFrom('index_sponsor_conversations')
    .select('sponsor')
    .where('conversation_id', '=', input.conversationId)
    .where('sponsor', 'in', sponsors)
    .where('joined_by_message_id', '=', input.messageId)
    .execute();
  return joined.map((row) => row.sponsor).sort();
}

/** The sponsors whose channel holds the conversation (keys, sorted). */
export async function sponsorsOfConversation(db: Kysely<Database>, conversationId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('index_sponsor_conversations')
    .select('sponsor')
    .where('conversation_id', '=', conversationId)
    .orderBy('sponsor')
    .execute();
  return rows.map((row) => row.sponsor);
}

/** Whether the conversation is in the channel of one of these sponsors. */
export async function inSponsorChannel(
  db: Kysely<Database>,
  conversationId: string,
  sponsors: readonly string[],
): Promise<boolean> {
  if (sponsors.length === 0) return false;
  const row = await db
    .selectFrom('index_sponsor_conversations')
    .select('sponsor')
    .where('conversation_id', '=', conversationId)
    .where('sponsor', 'in', [...sponsors])
    .executeTakeFirst();
  return row !== undefined;
}
