/**
 * Topic search on SQLite over `index_topics` (0007-topic-search-by-conversation.ts): one FTS5 document
 * per conversation whose rowid is `last_message_at × 2^20 + slot`. Asking FTS5 for the match in rowid
 * order (https://sqlite.org/fts5.html §3.7) yields the newest matching conversations first, so a page
 * reads about `limit` documents whether the word is in ten conversations or in all of them; CROSS JOIN
 * keeps FTS5 the outer loop (https://sqlite.org/optoverview.html#crossjoin) so the other filters are one
 * rowid lookup per candidate. Snippets come from the per-message FTS5 table of 0005.
 */
import { type Expression, type Kysely, type SqlBool, sql } from 'kysely';
import { TOPIC_KEY_SLOTS } from '../store/migrations/0007-topic-search-by-conversation.js';
import type { Database } from '../store/schema.js';
import {
  type ConversationEb,
  conversationFilters,
  type FilterPlan,
  ITEM_COLUMNS,
  type ItemRow,
} from './search-filters.js';
import type { SearchInput } from './search-input.js';

/** The topic's words, each quoted for FTS5 so user text never becomes query syntax. */
export function topicWords(topic: string): string[] {
  return topic.match(/[\p{L}\p{N}]+/gu) ?? [];
}

const quoted = (words: string[]) => words.map((w) => `"${w}"`);

/** Keys of one millisecond: [at × 2^20, (at + 1) × 2^20), computed in SQL (64-bit; JS numbers stop at 2^53). */
const keyFrom = (at: number) => sql`cast(${at} as integer) * ${TOPIC_KEY_SLOTS}`;
const keyTo = (at: number) => sql`(cast(${at} as integer) + 1) * ${TOPIC_KEY_SLOTS}`;

/**
 * Up to `input.limit + 1` conversations matching the topic and the filters, in the search order
 * (last_message_at desc, conversation_id desc).
 */
export async function topicRowsSqlite(
  db: Kysely<Database>,
  input: SearchInput,
  topic: string,
  plan: FilterPlan,
): Promise<ItemRow[]> {
  const words = topicWords(topic);
  if (words.length === 0) return [];
  const match = quoted(words).join(' '); // implicit AND
  const want = input.limit + 1;
  const query = db
    .withTables<{ index_topics: { conversation_rowid: number; body: string } }>()
    .selectFrom('index_topics')
    .crossJoin('index_conversations')
    .select(ITEM_COLUMNS)
    .where(sql<boolean>`index_conversations.rowid = index_topics.conversation_rowid`)
    .where(sql<boolean>`index_topics match ${match}`)
    .where((eb) => conversationFilters(eb as unknown as ConversationEb, input, plan));
  const first = await query
    .$if(plan.after !== null, (q) => q.where(sql<boolean>`index_topics.rowid < ${keyTo(plan.after?.[0] ?? 0)}`))
    .orderBy(sql`index_topics.rowid`, 'desc')
    .limit(want)
    .execute();
  const boundary = first[want - 1];
  if (!boundary) return first as ItemRow[];
  // Within one millisecond the key orders by slot, not by conversation id: fetch every match sharing the
  // last row's time and sort, so ties page exactly as the (last_message_at, conversation_id) cursor says.
  const at = Number(boundary.last_message_at);
  const ties = await query
    .where(sql<boolean>`index_topics.rowid >= ${keyFrom(at)} and index_topics.rowid < ${keyTo(at)}`)
    .execute();
  const rows = [...first.filter((r) => Number(r.last_message_at) > at), ...ties] as ItemRow[];
  rows.sort(
    (a, b) => Number(b.last_message_at) - Number(a.last_message_at) || cmpDesc(a.conversation_id, b.conversation_id),
  );
  return rows.slice(0, want);
}

/**
 * The topic as a filter on one conversation row, for searches that a selective filter drives (attendee
 * id, email or a rare name): FTS5 answers the match restricted to the conversation's one-millisecond key
 * range, so each probe reads a handful of postings instead of walking the whole match.
 */
export function topicProbeSqlite(topic: string): Expression<SqlBool> {
  const words = topicWords(topic);
  if (words.length === 0) return sql<boolean>`1 = 0`;
  const at = sql`index_conversations.last_message_at`;
  return sql<boolean>`exists (select 1 from index_topics where index_topics match ${quoted(words).join(' ')}
    and index_topics.rowid >= ${at} * ${TOPIC_KEY_SLOTS} and index_topics.rowid < (${at} + 1) * ${TOPIC_KEY_SLOTS}
    and index_topics.conversation_rowid = index_conversations.rowid)`;
}

function cmpDesc(a: string, b: string): number {
  // SQLite's default BINARY collation compares bytes; for the ids' ASCII that is code-unit order.
  return a < b ? 1 : a > b ? -1 : 0;
}

/**
 * Snippets of the page's messages holding any of the topic's words, newest first: the page's messages
 * drive (CROSS JOIN), one FTS5 rowid seek each, since driving from a common word's match would read most
 * of the index.
 */
export async function topicSnippetsSqlite(
  db: Kysely<Database>,
  topic: string,
  conversationIds: string[],
): Promise<{ conversation_id: string; snippet: string }[]> {
  const words = topicWords(topic);
  if (words.length === 0 || conversationIds.length === 0) return [];
  const { rows } = await sql<{ conversation_id: string; snippet: string }>`select m.conversation_id,
      snippet(index_search, -1, '[', ']', '…', 12) as snippet
    from index_messages m cross join index_search on index_search.rowid = m.rowid
    where m.conversation_id in (${sql.join(conversationIds)}) and index_search match ${quoted(words).join(' OR ')}
    order by m.created_at desc`.execute(db);
  return rows;
}
