/**
 * Search over the local index: attendee (contact id, email or name), topic (full text over message
 * bodies and transcripts: SQLite FTS5 or Postgres tsvector, see 0005-local-index.ts), status, event,
 * last-message date range and the sponsor channel. Stable keyset paging on (last_message_at desc,
 * conversation_id desc); the cursor is opaque base64url JSON of the last item's two keys.
 */
import { type Expression, type ExpressionBuilder, type Kysely, type SqlBool, sql } from 'kysely';
import type { DialectName } from '../store/open-database.js';
import type { Database } from '../store/schema.js';
import { IndexError } from './index-error.js';

export interface SearchInput {
  locationId?: string;
  attendee?: { id?: string; email?: string; name?: string };
  topic?: string;
  status?: 'read' | 'unread' | 'starred';
  eventKey?: string;
  /** Inclusive bounds on the last message time, epoch ms. */
  from?: number;
  to?: number;
  sponsorOnly?: boolean;
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
  /** Snippets of the matching messages (topic searches only), matched words in [brackets]. */
  matches: string[];
}

export interface SearchResult {
  items: SearchItem[];
  nextCursor: string | null;
}

export const MAX_SEARCH_LIMIT = 500;
const SNIPPETS_PER_ITEM = 3;

/** The topic's words, each quoted for FTS5 so user text never becomes query syntax (implicit AND). */
function ftsQuery(topic: string): string | null {
  const words = topic.match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.length === 0 ? null : words.map((w) => `"${w}"`).join(' ');
}

function encodeCursor(at: number, id: string): string {
  return Buffer.from(JSON.stringify([at, id])).toString('base64url');
}

function decodeCursor(cursor: string): [number, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && typeof value[0] === 'number' && typeof value[1] === 'string') {
      return [value[0], value[1]];
    }
  } catch {
    // fall through to the error below
  }
  throw new IndexError('invalid_cursor', 'cursor must be a nextCursor value returned by an earlier search');
}

function validate(input: SearchInput): void {
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

type Eb = ExpressionBuilder<Database, 'index_conversations'>;

/**
 * Above this many matching messages a topic counts as common on SQLite. A rare topic's matches are few,
 * so the conversation ids are collected once (`in (…)`); a common topic's matches are everywhere, so
 * collecting them costs more than walking the newest conversations and asking FTS5 about each one's
 * messages (a rowid seek per message) until the page is full. The crossover, measured by
 * bench/agent-search.ts over 100k conversations and 1M messages (after `optimize`), is about 5,000
 * matches: collecting costs ~5 µs a match, walking ~26 × (conversations ÷ matches) × 10 seeks.
 */
export const COMMON_TOPIC_MATCHES = 5_000;

type TopicPlan = 'collect' | 'walk';

/** SQLite only: whether the topic has more than COMMON_TOPIC_MATCHES matching messages (stops counting there). */
async function topicPlanFor(db: Kysely<Database>, dialect: DialectName, topic: string | null): Promise<TopicPlan> {
  const query = topic ? ftsQuery(topic) : null;
  if (dialect !== 'sqlite' || query === null) return 'collect';
  const { rows } = await sql<{ n: number }>`select count(*) as n from
    (select rowid from index_search where index_search match ${query} limit ${COMMON_TOPIC_MATCHES + 1})`.execute(db);
  return Number(rows[0]?.n ?? 0) > COMMON_TOPIC_MATCHES ? 'walk' : 'collect';
}

/**
 * SQLite only: a name substring of 3+ characters that few conversations hold is answered from the
 * trigram index (0006-index-search-speed.ts); a common one by the plain `like` while walking the newest
 * conversations, which fills a page after a few rows. Same threshold reasoning as topics.
 */
async function nameUsesTrigrams(db: Kysely<Database>, dialect: DialectName, name: string | undefined) {
  if (dialect !== 'sqlite' || !name || [...name].length < 3) return false;
  const { rows } = await sql<{ n: number }>`select count(*) as n from
    (select rowid from index_names where contact_name like ${`%${name}%`} limit ${COMMON_TOPIC_MATCHES + 1})`.execute(
    db,
  );
  return Number(rows[0]?.n ?? 0) <= COMMON_TOPIC_MATCHES;
}

/** Conversations with a message matching the topic. */
function topicMatch(eb: Eb, dialect: DialectName, topic: string, plan: TopicPlan): Expression<SqlBool> {
  if (dialect === 'sqlite') {
    const query = ftsQuery(topic);
    if (query === null) return sql<boolean>`1 = 0`;
    if (plan === 'walk') {
      // CROSS JOIN fixes the order (https://sqlite.org/optoverview.html#crossjoin): messages of this
      // conversation first, then one FTS5 rowid seek each; the planner otherwise scans the whole match.
      return sql<boolean>`exists (select 1 from index_messages m cross join index_search on index_search.rowid = m.rowid
        where m.conversation_id = index_conversations.conversation_id and index_search match ${query})`;
    }
    return eb(
      'index_conversations.conversation_id',
      'in',
      sql<string>`(select m.conversation_id from index_search join index_messages m on m.rowid = index_search.rowid where index_search match ${query})`,
    );
  }
  return eb(
    'index_conversations.conversation_id',
    'in',
    sql<string>`(select m.conversation_id from index_messages m where m.search_vector @@ plainto_tsquery('english', ${topic}))`,
  );
}

export async function searchConversations(
  db: Kysely<Database>,
  dialect: DialectName,
  input: SearchInput,
): Promise<SearchResult> {
  validate(input);
  const after = input.cursor ? decodeCursor(input.cursor) : null;
  const topic = input.topic?.trim() || null;
  const plan = await topicPlanFor(db, dialect, topic);
  const trigrams = await nameUsesTrigrams(db, dialect, input.attendee?.name);
  // With an attendee email or id, SQLite must not pick the location index for its order (it would read
  // every conversation of the location); the unary + disqualifies it
  // (https://sqlite.org/optoverview.html#disqualifying_where_clause_terms_using_unary_).
  const attendeeLookup = dialect === 'sqlite' && !!(input.attendee?.email || input.attendee?.id);

  const rows = await db
    .selectFrom('index_conversations')
    .selectAll()
    .where((eb) => {
      const all: Expression<SqlBool>[] = [];
      if (input.locationId) {
        all.push(
          attendeeLookup
            ? sql<boolean>`+index_conversations.location_id = ${input.locationId}`
            : eb('location_id', '=', input.locationId),
        );
      }
      if (input.attendee?.id) all.push(eb('contact_id', '=', input.attendee.id));
      if (input.attendee?.email) all.push(eb('contact_email', '=', input.attendee.email.toLowerCase()));
      if (input.attendee?.name) {
        const pattern = `%${input.attendee.name.toLowerCase()}%`;
        all.push(
          trigrams
            ? sql<boolean>`index_conversations.rowid in (select rowid from index_names where contact_name like ${pattern})`
            : eb(eb.fn('lower', ['contact_name']), 'like', pattern),
        );
      }
      if (input.status === 'read') all.push(eb('unread_count', '=', 0));
      if (input.status === 'unread') all.push(eb('unread_count', '>', 0));
      if (input.status === 'starred') all.push(eb('starred', '=', 1));
      if (input.eventKey) all.push(eb('event_key', '=', input.eventKey));
      if (input.from !== undefined) all.push(eb('last_message_at', '>=', input.from));
      if (input.to !== undefined) all.push(eb('last_message_at', '<=', input.to));
      if (input.sponsorOnly) all.push(eb('sponsor', '=', 1));
      if (topic) all.push(topicMatch(eb, dialect, topic, plan));
      if (after) {
        all.push(
          eb.or([
            eb('last_message_at', '<', after[0]),
            eb.and([eb('last_message_at', '=', after[0]), eb('conversation_id', '<', after[1])]),
          ]),
        );
      }
      return eb.and(all);
    })
    .orderBy('last_message_at', 'desc')
    .orderBy('conversation_id', 'desc')
    .limit(input.limit + 1)
    .execute();

  const page = rows.slice(0, input.limit);
  const snippets = topic
    ? await snippetsFor(
        db,
        dialect,
        topic,
        page.map((r) => r.conversation_id),
        plan,
      )
    : new Map();
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({
      conversationId: r.conversation_id,
      locationId: r.location_id,
      contactId: r.contact_id,
      contactName: r.contact_name,
      contactEmail: r.contact_email,
      lastMessageAt: Number(r.last_message_at),
      lastMessageBody: r.last_message_body,
      unreadCount: Number(r.unread_count),
      starred: Number(r.starred) === 1,
      matches: snippets.get(r.conversation_id) ?? [],
    })),
    nextCursor:
      rows.length > input.limit && last ? encodeCursor(Number(last.last_message_at), last.conversation_id) : null,
  };
}

async function snippetsFor(
  db: Kysely<Database>,
  dialect: DialectName,
  topic: string,
  conversationIds: string[],
  plan: TopicPlan,
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (conversationIds.length === 0) return out;
  const ids = sql.join(conversationIds);
  // SQLite, common topic: the page's messages first, one FTS5 rowid seek each (CROSS JOIN fixes that
  // order), since driving from the match would read most of the index. Rare topic: from the match, whose
  // few rows are cheaper than the seeks (bench/agent-search.ts).
  const match = ftsQuery(topic) ?? '""';
  const from =
    plan === 'walk'
      ? sql`from index_messages m cross join index_search on index_search.rowid = m.rowid`
      : sql`from index_search join index_messages m on m.rowid = index_search.rowid`;
  const query =
    dialect === 'sqlite'
      ? sql<{ conversation_id: string; snippet: string }>`select m.conversation_id,
          snippet(index_search, -1, '[', ']', '…', 12) as snippet ${from}
          where m.conversation_id in (${ids}) and index_search match ${match}
          order by m.created_at desc`
      : sql<{ conversation_id: string; snippet: string }>`select m.conversation_id,
          ts_headline('english', coalesce(m.body, '') || ' ' || coalesce(m.transcript, ''),
            plainto_tsquery('english', ${topic}), 'StartSel=[, StopSel=], MaxWords=24, MinWords=8') as snippet
          from index_messages m
          where m.search_vector @@ plainto_tsquery('english', ${topic}) and m.conversation_id in (${ids})
          order by m.created_at desc`;
  const { rows } = await query.execute(db);
  for (const row of rows) {
    const list = out.get(row.conversation_id) ?? [];
    if (list.length < SNIPPETS_PER_ITEM) list.push(row.snippet);
    out.set(row.conversation_id, list);
  }
  return out;
}
