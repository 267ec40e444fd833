/**
 * Agent search speed (target: p95 ≤ 15 ms over 100k conversations and 1M messages, measured by
 * bench/agent-search.ts). Two additions to the local index of 0005:
 * - an index on `contact_id`, so the attendee-id filter is a lookup rather than a scan;
 * - SQLite only: a trigram FTS5 table over contact names (https://sqlite.org/fts5.html §4.3.3, the
 *   trigram tokenizer answers `LIKE '%…%'` from the index), kept in step by triggers, so a rare name
 *   substring is found without reading every conversation. PostgreSQL keeps the plain scan.
 */
import { type Kysely, SqliteAdapter, sql } from 'kysely';

function isSqlite(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof SqliteAdapter;
}

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('index_conversations_contact_idx')
    .on('index_conversations')
    .column('contact_id')
    .execute();
  if (!isSqlite(db)) return;
  await sql`create virtual table index_names using fts5(contact_name, content='index_conversations', content_rowid='rowid', tokenize='trigram')`.execute(
    db,
  );
  await sql`insert into index_names(rowid, contact_name) select rowid, contact_name from index_conversations`.execute(
    db,
  );
  await sql`create trigger index_conversations_names_ai after insert on index_conversations begin
    insert into index_names(rowid, contact_name) values (new.rowid, new.contact_name); end`.execute(db);
  await sql`create trigger index_conversations_names_ad after delete on index_conversations begin
    insert into index_names(index_names, rowid, contact_name) values ('delete', old.rowid, old.contact_name); end`.execute(
    db,
  );
  // Only a name change touches the name index: unread and starred updates are frequent.
  await sql`create trigger index_conversations_names_au after update of contact_name on index_conversations begin
    insert into index_names(index_names, rowid, contact_name) values ('delete', old.rowid, old.contact_name);
    insert into index_names(rowid, contact_name) values (new.rowid, new.contact_name); end`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isSqlite(db)) {
    await sql`drop trigger if exists index_conversations_names_au`.execute(db);
    await sql`drop trigger if exists index_conversations_names_ad`.execute(db);
    await sql`drop trigger if exists index_conversations_names_ai`.execute(db);
    await sql`drop table if exists index_names`.execute(db);
  }
  await db.schema.dropIndex('index_conversations_contact_idx').execute();
}
