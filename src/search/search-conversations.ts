/**
 * Agent search over the local index: attendee (contact id, email or name), topic (full text
 * over message bodies and transcripts), status, event, last-message date range and the sponsor channel.
 * Stable keyset paging on (last_message_at desc, conversation_id desc) with an opaque cursor
 * (search-cursor.ts). A topic goes to the dialect's conversation-level full-text index
 * (search-topic-sqlite.ts, search-topic-postgres.ts); everything else is a filter on index_conversations.
 */
import { type Kysely, sql } from 'kysely';
import type { DialectName } from '../store/open-database.js';
import type { Database } from '../store/schema.js';
import { decodeCursor, encodeCursor } from './search-cursor.js';
import {
  conversationFilters,
  type FilterPlan,
  ITEM_COLUMNS,
  type ItemRow,
  nameUsesTrigrams,
} from './search-filters.js';
import { type SearchInput, type SearchItem, type SearchResult, validateSearchInput } from './search-input.js';
import { topicFilterPostgres, topicIsRarePostgres, topicSnippetsPostgres } from './search-topic-postgres.js';
import { topicProbeSqlite, topicRowsSqlite, topicSnippetsSqlite } from './search-topic-sqlite.js';

export { MAX_SEARCH_LIMIT, type SearchInput, type SearchItem, type SearchResult } from './search-input.js';

const SNIPPETS_PER_ITEM = 3;

export async function searchConversations(
  db: Kysely<Database>,
  dialect: DialectName,
  input: SearchInput,
): Promise<SearchResult> {
  validateSearchInput(input);
  const topic = input.topic?.trim() || null;
  const plan: FilterPlan = {
    dialect,
    trigrams: await nameUsesTrigrams(db, dialect, input.attendee?.name),
    after: input.cursor ? decodeCursor(input.cursor) : null,
  };

  // SQLite: a topic drives the search from its newest matches, unless an attendee filter that few
  // conversations pass is given; then those conversations drive and the topic is probed per row.
  const selective = !!(input.attendee?.id || input.attendee?.email || plan.trigrams);
  // Postgres: a sort of few matches, instead of the walk in index order, for a rare name (the trigram
  // index reads it) or a rare topic without a selective filter (the GIN index reads it).
  const sortMatches =
    dialect === 'postgres' &&
    (plan.trigrams || (!!topic && !selective && (await topicIsRarePostgres(db, topic, input.limit + 1))));
  const topicFilter = !topic ? null : dialect === 'sqlite' ? topicProbeSqlite(topic) : topicFilterPostgres(topic);
  const rows: ItemRow[] =
    topic && dialect === 'sqlite' && !selective
      ? await topicRowsSqlite(db, input, topic, plan)
      : await db
          .selectFrom('index_conversations')
          .select(ITEM_COLUMNS)
          .where((eb) => {
            const filters = conversationFilters(eb, input, plan);
            return topicFilter ? eb.and([filters, topicFilter]) : filters;
          })
          // `+ 0` keeps the planner off the walk in index order; it reads the matches from an index instead.
          .orderBy(
            sortMatches ? sql`index_conversations.last_message_at + 0` : sql.ref('index_conversations.last_message_at'),
            'desc',
          )
          .orderBy('index_conversations.conversation_id', 'desc')
          .limit(input.limit + 1)
          .execute();

  const page = rows.slice(0, input.limit);
  const snippets = topic
    ? await snippetsFor(
        db,
        dialect,
        topic,
        page.map((r) => r.conversation_id),
      )
    : new Map();
  const last = page[page.length - 1];
  return {
    items: page.map(
      (r): SearchItem => ({
        conversationId: r.conversation_id,
        locationId: r.location_id,
        contactId: r.contact_id,
        contactName: r.contact_name,
        contactEmail: r.contact_email,
        lastMessageAt: Number(r.last_message_at),
        lastMessageBody: r.last_message_body,
        unreadCount: Number(r.unread_count),
        starred: Number(r.starred) === 1,
        sponsor: Number(r.sponsor) === 1,
        matches: snippets.get(r.conversation_id) ?? [],
      }),
    ),
    nextCursor:
      rows.length > input.limit && last ? encodeCursor(Number(last.last_message_at), last.conversation_id) : null,
  };
}

async function snippetsFor(
  db: Kysely<Database>,
  dialect: DialectName,
  topic: string,
  conversationIds: string[],
): Promise<Map<string, string[]>> {
  const rows =
    dialect === 'sqlite'
      ? await topicSnippetsSqlite(db, topic, conversationIds)
      : await topicSnippetsPostgres(db, topic, conversationIds);
  const out = new Map<string, string[]>();
  for (const row of rows) {
    const list = out.get(row.conversation_id) ?? [];
    if (list.length < SNIPPETS_PER_ITEM) list.push(row.snippet);
    out.set(row.conversation_id, list);
  }
  return out;
}
