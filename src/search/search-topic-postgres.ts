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
  const { rows } = await sql<{ conversation_id: string; snippet: string }>`select m.conversation_id,
      ts_headline('english', coalesce(m.body, '') || ' ' || coalesce(m.transcript, ''),
        websearch_to_tsquery('english', ${anyWord}), 'StartSel=[, StopSel=], MaxWords=24, MinWords=8') as snippet
    from index_messages m
    where m.conversation_id in (${sql.join(conversationIds)})
      and m.search_vector @@ websearch_to_tsquery('english', ${anyWord})
    order by m.created_at desc`.execute(db);
  return rows;
}
