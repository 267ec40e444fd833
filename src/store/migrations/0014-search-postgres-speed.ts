/**
 * Agent search on PostgreSQL within its target (p95 ≤ 15 ms over 100k conversations and 1M messages,
 * bench/agent-search.ts). PostgreSQL only; SQLite's FTS5 tables (0005–0007) already drive those searches.
 * - A partial index of starred conversations in the search order: "starred + topic" walks the ~2 % that
 *   are starred, newest first, instead of every conversation.
 * - A cap on each GIN index's pending list (https://www.postgresql.org/docs/current/gin.html#GIN-FAST-UPDATE):
 *   every search through a GIN index reads the whole list, 4 MB by default, until (auto)vacuum merges it.
 *   256 kB keeps the batching of inserts and bounds that read.
 * - SQLite: the name index's update trigger (0006) fires only when the name really changes. An upsert
 *   that sets `contact_name` to the value it already has (every indexed send does) deleted and re-added
 *   the same trigram rows.
 */
import { type Kysely, SqliteAdapter, sql } from 'kysely';

function isSqlite(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof SqliteAdapter;
}

const GIN_INDEXES = ['index_conversations_topic_idx', 'index_messages_search_idx', 'index_conversations_name_trgm_idx'];

/** Each GIN index of the local index that exists (the trigram one needs pg_trgm, see 0007). */
async function ginIndexes(db: Kysely<any>): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select c.relname as name from pg_class c
    where c.relkind = 'i' and c.relname in (${sql.join(GIN_INDEXES)}) and pg_table_is_visible(c.oid)`.execute(db);
  return rows.map((r) => r.name);
}

const NAME_TRIGGER_BODY = `insert into index_names(index_names, rowid, contact_name) values ('delete', old.rowid, old.contact_name);
    insert into index_names(rowid, contact_name) values (new.rowid, new.contact_name);`;

async function replaceNameTrigger(db: Kysely<any>, onlyOnChange: boolean): Promise<void> {
  await sql`drop trigger if exists index_conversations_names_au`.execute(db);
  const when = onlyOnChange ? 'when old.contact_name is not new.contact_name' : '';
  await sql
    .raw(
      `create trigger index_conversations_names_au after update of contact_name on index_conversations ${when} begin ${NAME_TRIGGER_BODY} end`,
    )
    .execute(db);
}

export async function up(db: Kysely<any>): Promise<void> {
  if (isSqlite(db)) {
    await replaceNameTrigger(db, true);
    return;
  }
  await sql`create index index_conversations_starred_idx on index_conversations
    (location_id, last_message_at, conversation_id) where starred = 1`.execute(db);
  for (const name of await ginIndexes(db)) {
    await sql.raw(`alter index ${name} set (gin_pending_list_limit = 256)`).execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isSqlite(db)) {
    await replaceNameTrigger(db, false);
    return;
  }
  for (const name of await ginIndexes(db)) {
    await sql.raw(`alter index ${name} reset (gin_pending_list_limit)`).execute(db);
  }
  await sql`drop index if exists index_conversations_starred_idx`.execute(db);
}
