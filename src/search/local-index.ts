/**
 * The local conversation index: one object over the mirror tables for the REST API,
 * the console and the pipeline. Writes are idempotent on HighLevel ids (newer `updated_at` wins);
 * search is the same API on SQLite and PostgreSQL.
 */
import { type Kysely, sql } from 'kysely';
import type { DialectName } from '../store/open-database.js';
import type { Database } from '../store/schema.js';
import { applyWebhookEventTo, type WebhookOutcome } from './apply-webhook-event.js';
import { announceIndexChange } from './index-changes.js';
import { IndexError } from './index-error.js';
import { type ConversationInput, type MessageInput, upsertConversationRow, upsertMessageRow } from './index-rows.js';
import { type SearchInput, type SearchResult, searchConversations } from './search-conversations.js';
import { type JoinSponsorChannelInput, joinSponsorChannel } from './sponsor-channel.js';
import { type SyncLocationInput, type SyncLocationResult, syncLocationInto } from './sync-location.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface LocalIndexOptions {
  db: Kysely<Database>;
  dialect: DialectName;
  now?: () => number;
}

export interface RetentionInput {
  /** Null out message bodies (and conversations' last-message bodies) older than this; null keeps them. */
  bodiesOlderThanDays: number | null;
  transcriptsOlderThanDays: number | null;
}

export interface RetentionResult {
  bodiesCleared: number;
  transcriptsCleared: number;
}

export interface LocalIndex {
  upsertConversation(input: ConversationInput): Promise<void>;
  upsertMessage(input: MessageInput): Promise<void>;
  applyWebhookEvent(event: Record<string, unknown>): Promise<WebhookOutcome>;
  syncLocation(input: SyncLocationInput): Promise<SyncLocationResult>;
  applyRetention(input: RetentionInput): Promise<RetentionResult>;
  search(input: SearchInput): Promise<SearchResult>;
  /** Puts a conversation in sponsors' channels (sponsor-channel.ts); returns the sponsors this message brought it to. */
  joinSponsorChannel(input: Omit<JoinSponsorChannelInput, 'now'>): Promise<string[]>;
  /**
   * Merges SQLite's FTS5 segments into one (https://sqlite.org/fts5.html §6.9 'optimize'): an index
   * grown row by row keeps many segments, and every topic search reads each one. On PostgreSQL, merges
   * the GIN indexes' pending lists, which autovacuum would otherwise merge later. The daily maintenance
   * job calls it.
   */
  optimize(): Promise<void>;
}

function days(value: number | null, field: string): number | null {
  if (value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new IndexError(
      'invalid_argument',
      `${field} must be a number of days >= 0 or null, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

export function createLocalIndex(options: LocalIndexOptions): LocalIndex {
  if (!options?.db) throw new TypeError('createLocalIndex: options.db (the store Kysely instance) is required');
  if (options.dialect !== 'sqlite' && options.dialect !== 'postgres') {
    throw new TypeError(
      `createLocalIndex: options.dialect must be 'sqlite' or 'postgres', got ${String(options.dialect)}`,
    );
  }
  const { db, dialect } = options;
  const now = options.now ?? Date.now;

  return {
    async upsertConversation(input) {
      await upsertConversationRow(db, input);
      announceIndexChange(input.conversationId);
    },
    async upsertMessage(input) {
      await upsertMessageRow(db, input);
      announceIndexChange(input.conversationId);
    },
    applyWebhookEvent: (event) => applyWebhookEventTo(db, event, now()),
    syncLocation: (input) => syncLocationInto(db, input, now),
    search: (input) => searchConversations(db, dialect, input),
    joinSponsorChannel: (input) => joinSponsorChannel(db, { ...input, now: now() }),
    async optimize() {
      if (dialect === 'postgres') {
        // A GIN index's pending list (new entries not yet merged) is read in full by every search that
        // uses the index (https://www.postgresql.org/docs/current/gin.html#GIN-FAST-UPDATE); merge it now
        // rather than wait for autovacuum. 0014 caps the list's size between merges.
        await sql`select gin_clean_pending_list(c.oid::regclass) from pg_class c
          where c.relkind = 'i' and c.relname in
            ('index_conversations_topic_idx', 'index_messages_search_idx', 'index_conversations_name_trgm_idx')
            and pg_table_is_visible(c.oid)`.execute(db);
        return;
      }
      await sql`insert into index_search(index_search) values ('optimize')`.execute(db);
      await sql`insert into index_names(index_names) values ('optimize')`.execute(db);
      await sql`insert into index_topics(index_topics) values ('optimize')`.execute(db);
    },

    async applyRetention(input) {
      const bodyDays = days(input.bodiesOlderThanDays, 'bodiesOlderThanDays');
      const transcriptDays = days(input.transcriptsOlderThanDays, 'transcriptsOlderThanDays');
      const at = now();
      let bodiesCleared = 0;
      let transcriptsCleared = 0;
      if (bodyDays !== null) {
        const cutoff = at - bodyDays * DAY_MS;
        const result = await db
          .updateTable('index_messages')
          .set({ body: null })
          .where('created_at', '<', cutoff)
          .where('body', 'is not', null)
          .executeTakeFirst();
        bodiesCleared = Number(result.numUpdatedRows);
        await db
          .updateTable('index_conversations')
          .set({ last_message_body: null })
          .where('last_message_at', '<', cutoff)
          .execute();
      }
      if (transcriptDays !== null) {
        const result = await db
          .updateTable('index_messages')
          .set({ transcript: null })
          .where('created_at', '<', at - transcriptDays * DAY_MS)
          .where('transcript', 'is not', null)
          .executeTakeFirst();
        transcriptsCleared = Number(result.numUpdatedRows);
      }
      return { bodiesCleared, transcriptsCleared };
    },
  };
}

export type {
  ConversationInput,
  MessageInput,
  SearchInput,
  SearchResult,
  SyncLocationInput,
  SyncLocationResult,
  WebhookOutcome,
};
