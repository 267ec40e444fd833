/**
 * The conversation filters every search applies (attendee, status, event, date range, sponsor channel,
 * the cursor), as Kysely expressions over index_conversations, plus the one planning question they raise
 * on SQLite: whether a name substring goes to the trigram index.
 */
import { type Expression, type ExpressionBuilder, type Kysely, type SqlBool, sql } from 'kysely';
import type { DialectName } from '../store/open-database.js';
import type { Database } from '../store/schema.js';
import type { SearchCursor } from './search-cursor.js';
import type { SearchInput } from './search-input.js';

export type ConversationEb = ExpressionBuilder<Database, 'index_conversations'>;

/**
 * Above this many matching rows a name substring counts as common: a few matches are read from the
 * trigram index (SQLite: 0006-index-search-speed.ts; PostgreSQL: pg_trgm, 0007) at a few µs each, while a
 * common one is cheaper found by the plain `like` while walking the newest conversations, which fills a
 * page after a few rows.
 */
export const COMMON_NAME_MATCHES = 5_000;

/**
 * Whether the name substring (3+ characters, the trigram minimum) has few holders, so the search reads the
 * trigram index and sorts its matches. PostgreSQL's planner cannot tell: it guesses ~1 % for any `like`
 * and walks the newest conversations, reading tens of thousands of rows for a rare name. Without pg_trgm
 * there is no index to read, and the answer is no.
 */
export async function nameUsesTrigrams(
  db: Kysely<Database>,
  dialect: DialectName,
  name: string | undefined,
): Promise<boolean> {
  if (!name || [...name].length < 3) return false;
  const probe =
    dialect === 'sqlite'
      ? sql<{ n: number }>`select count(*) as n from
    (select rowid from index_names where index_names match ${ftsPhrase(name)} limit ${COMMON_NAME_MATCHES + 1})`
      : // The uncorrelated subquery runs only when the CASE reaches it, so without the index nothing is scanned.
        sql<{ n: number }>`select case when to_regclass('index_conversations_name_trgm_idx') is null then -1
      else (select count(*) from (select 1 from index_conversations
        where lower(contact_name) like ${`%${likeLiteral(name.toLowerCase())}%`} limit ${COMMON_NAME_MATCHES + 1}) x)
      end as n`;
  const { rows } = await probe.execute(db);
  const n = Number(rows[0]?.n ?? -1);
  return n >= 0 && n <= COMMON_NAME_MATCHES;
}

/**
 * Text for a LIKE pattern with `escape '\'`: `%`, `_` and `\` stand for themselves, so a name such as
 * "50%_off" is looked for as written on both databases.
 */
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/**
 * The text as one FTS5 phrase (quotes doubled, https://sqlite.org/fts5.html §3.1): nothing in it is
 * query syntax, and the trigram tokenizer matches it as a case-insensitive substring. A LIKE with an
 * ESCAPE clause would not use the trigram index (it reads every row), so the name filter uses MATCH.
 */
function ftsPhrase(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}

export interface FilterPlan {
  dialect: DialectName;
  trigrams: boolean;
  after: SearchCursor | null;
}

/** Every filter of `input` except the topic, ANDed; `index_conversations` columns are qualified. */
export function conversationFilters(eb: ConversationEb, input: SearchInput, plan: FilterPlan): Expression<SqlBool> {
  const all: Expression<SqlBool>[] = [];
  // With an attendee email or id, SQLite must not pick the location index for its order (it would read
  // every conversation of the location); the unary + disqualifies it
  // (https://sqlite.org/optoverview.html#disqualifying_where_clause_terms_using_unary_).
  const attendeeLookup = plan.dialect === 'sqlite' && !!(input.attendee?.email || input.attendee?.id);
  if (input.locationId) {
    all.push(
      attendeeLookup
        ? sql<boolean>`+index_conversations.location_id = ${input.locationId}`
        : eb('index_conversations.location_id', '=', input.locationId),
    );
  }
  if (input.attendee?.id) {
    // The HighLevel contact id, or the Accelevents attendee id the welcome flow linked to a contact.
    const id = input.attendee.id;
    // Postgres cannot serve `contact_id = $1 or contact_id in (…)` from an index (it walked all 100k rows
    // of the bench); one IN over both candidates is a semi-join on index_conversations_contact_idx.
    if (plan.dialect === 'postgres') {
      all.push(sql<boolean>`index_conversations.contact_id in (select cast(${id} as text) union all
        select attendee_links.contact_id from attendee_links
        where attendee_links.attendee_id = ${id} and attendee_links.contact_id is not null)`);
    } else
      all.push(
        eb.or([
          eb('index_conversations.contact_id', '=', id),
          eb(
            'index_conversations.contact_id',
            'in',
            eb
              .selectFrom('attendee_links')
              .select('attendee_links.contact_id')
              .where('attendee_links.attendee_id', '=', id)
              .where('attendee_links.contact_id', 'is not', null),
          ),
        ]),
      );
  }
  if (input.attendee?.email) {
    all.push(eb('index_conversations.contact_email', '=', input.attendee.email.toLowerCase()));
  }
  if (input.attendee?.name) {
    const name = input.attendee.name;
    const pattern = `%${likeLiteral(name.toLowerCase())}%`;
    // Postgres: `lower(contact_name) like` is what the pg_trgm index of 0007 serves, when the extension exists.
    all.push(
      plan.trigrams && plan.dialect === 'sqlite'
        ? sql<boolean>`index_conversations.rowid in (select rowid from index_names where index_names match ${ftsPhrase(name)})`
        : plan.dialect === 'sqlite'
          ? sql<boolean>`lower(index_conversations.contact_name) like ${pattern} escape '\\'`
          : // Backslash is PostgreSQL's default LIKE escape; a plain LIKE keeps the pg_trgm index usable.
            eb(eb.fn('lower', ['index_conversations.contact_name']), 'like', pattern),
    );
  }
  if (input.status === 'read') all.push(eb('index_conversations.unread_count', '=', 0));
  if (input.status === 'unread') all.push(eb('index_conversations.unread_count', '>', 0));
  if (input.status === 'starred') all.push(eb('index_conversations.starred', '=', 1));
  if (input.eventKey) all.push(eb('index_conversations.event_key', '=', input.eventKey));
  if (input.from !== undefined) all.push(eb('index_conversations.last_message_at', '>=', input.from));
  if (input.to !== undefined) all.push(eb('index_conversations.last_message_at', '<=', input.to));
  if (input.sponsorOnly) all.push(eb('index_conversations.sponsor', '=', 1));
  if (input.sponsorKeys !== undefined) {
    const keys = [...input.sponsorKeys];
    all.push(
      keys.length === 0
        ? sql<boolean>`1 = 0`
        : eb(
            'index_conversations.conversation_id',
            'in',
            eb.selectFrom('index_sponsor_conversations').select('conversation_id').where('sponsor', 'in', keys),
          ),
    );
  }
  if (plan.after) {
    const [at, id] = plan.after;
    all.push(
      eb.or([
        eb('index_conversations.last_message_at', '<', at),
        eb.and([
          eb('index_conversations.last_message_at', '=', at),
          eb('index_conversations.conversation_id', '<', id),
        ]),
      ]),
    );
  }
  return eb.and(all);
}

/** The index_conversations columns a search item needs (Postgres' topic_vector stays in the database). */
export const ITEM_COLUMNS = [
  'index_conversations.conversation_id',
  'index_conversations.location_id',
  'index_conversations.contact_id',
  'index_conversations.contact_name',
  'index_conversations.contact_email',
  'index_conversations.last_message_at',
  'index_conversations.last_message_body',
  'index_conversations.unread_count',
  'index_conversations.starred',
  'index_conversations.sponsor',
] as const;

export interface ItemRow {
  conversation_id: string;
  location_id: string;
  contact_id: string | null;
  contact_name: string | null;
  contact_email: string | null;
  last_message_at: number | string | bigint;
  last_message_body: string | null;
  unread_count: number | string;
  starred: number | string;
  sponsor: number | string;
}
