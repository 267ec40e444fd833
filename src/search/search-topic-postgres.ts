/**
 * Topic search on PostgreSQL: `topic_vector` on index_conversations (0007-topic-search-by-conversation.ts)
 * holds the text of all of a conversation's messages, so the topic is one more filter on the conversation
 * row. The planner picks per query from the GIN index's statistics: walk the newest conversations testing
 * the vector (a common word fills a page after a few rows) or read the GIN index (a rare word).
 * Snippets come from the per-message `search_vector` of 0005.
 */
import { type Expression, type Kysely, type SqlBool, sql } from 'kysely';
import type { Database } from '../store/schema.js';
import { topicWords } from './search-topic-sqlite.js';

export function topicFilterPostgres(topic: string): Expression<SqlBool> {
  return sql<boolean>`index_conversations.topic_vector @@ plainto_tsquery('english', ${topic})`;
}

/**
 * Whether the topic's conversations are few enough to read them all from the GIN index and sort them.
 * Walking the newest conversations reads about want × N ÷ M rows for M matches among N, each testing a
 * ~2 kB vector (about twice the cost of a row the GIN index hands over); the GIN index reads M rows. The
 * planner costs the vector test as one operator and so walks even for a word in 1 % of conversations
 * (2,100 rows, twice the GIN plan in the bench). Its estimate of M is what this reads: exact for the
 * words in its most-common-elements list, and below that list's smallest frequency for the rest
 * (https://www.postgresql.org/docs/current/planner-stats.html), which is where sorting wins.
 */
export async function topicIsRarePostgres(db: Kysely<Database>, topic: string, want: number): Promise<boolean> {
  const { rows } = await sql<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>`explain (format json)
    select 1 from index_conversations where topic_vector @@ plainto_tsquery('english', ${topic})`.execute(db);
  const matches = Number(rows[0]?.['QUERY PLAN'][0].Plan['Plan Rows'] ?? Number.POSITIVE_INFINITY);
  const { rows: sizes } = await sql<{ n: number }>`select reltuples as n from pg_class
    where oid = to_regclass('index_conversations')`.execute(db);
  const total = Math.max(Number(sizes[0]?.n ?? 0), matches);
  return matches * matches < 2 * want * total;
}

/** Snippets of the page's messages holding any of the topic's words, newest first. */
export async function topicSnippetsPostgres(
  db: Kysely<Database>,
  topic: string,
  conversationIds: string[],
): Promise<{ conversation_id: string; snippet: string }[]> {
  // websearch_to_tsquery reads `or` as the operator; the words are letters and digits only, and the
  // word "or" itself is an English stop word that never matches anyway.
  const anyWord = topicWords(topic)
    .filter((w) => w.toLowerCase() !== 'or')
    .join(' or ');
  if (anyWord === '' || conversationIds.length === 0) return [];
  // The page's messages drive (a materialized CTE is a planner fence): left to itself the planner ANDs
  // the GIN index in, and for a common word that index answers with most of the table (72k message ids
  // for one word in the bench, ~100 ms) to keep ~15 rows.
  const { rows } = await sql<{ conversation_id: string; snippet: string }>`with page as materialized (
      select m.conversation_id, m.created_at, m.body, m.transcript, m.search_vector from index_messages m
      where m.conversation_id in (${sql.join(conversationIds)}))
    select p.conversation_id,
      ts_headline('english', coalesce(p.body, '') || ' ' || coalesce(p.transcript, ''),
        websearch_to_tsquery('english', ${anyWord}), 'StartSel=[, StopSel=], MaxWords=24, MinWords=8') as snippet
    from page p
    where p.search_vector @@ websearch_to_tsquery('english', ${anyWord})
    order by p.created_at desc`.execute(db);
  return rows;
}
