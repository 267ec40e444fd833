/**
 * The local conversation index: a mirror of HighLevel conversations and messages,
 * fed by webhooks and by the overlap rescan, with full-text search over message bodies and transcripts.
 * SQLite gets an FTS5 table kept in step by triggers; PostgreSQL a generated `tsvector` column with a
 * GIN index. Both answer the same search API (src/search/search-conversations.ts).
 */
import { type Kysely, SqliteAdapter, sql } from 'kysely';

/** The store's SQLite adapter subclasses Kysely's (sqlite-dialect.ts), so `instanceof` tells the databases apart. */
function isSqlite(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof SqliteAdapter;
}

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('index_conversations')
    .addColumn('conversation_id', 'text', (col) => col.primaryKey())
    .addColumn('location_id', 'text', (col) => col.notNull())
    .addColumn('contact_id', 'text')
    .addColumn('contact_name', 'text')
    .addColumn('contact_email', 'text') // stored lower-case so the attendee filter is an index lookup
    .addColumn('contact_phone', 'text')
    .addColumn('event_key', 'text')
    .addColumn('unread_count', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('starred', 'integer', (col) => col.notNull().defaultTo(0)) // 0/1 on both databases
    .addColumn('last_message_at', 'bigint', (col) => col.notNull().defaultTo(0))
    .addColumn('last_message_body', 'text')
    .addColumn('status', 'text') // HighLevel's last message status, when known
    .addColumn('sponsor', 'integer', (col) => col.notNull().defaultTo(0)) // sponsor-channel conversation
    .addColumn('updated_at', 'bigint', (col) => col.notNull())
    .execute();
  // The search's keyset order: newest last message first, conversation id breaks ties.
  await db.schema
    .createIndex('index_conversations_location_last_idx')
    .on('index_conversations')
    .columns(['location_id', 'last_message_at', 'conversation_id'])
    .execute();
  await db.schema
    .createIndex('index_conversations_last_idx')
    .on('index_conversations')
    .columns(['last_message_at', 'conversation_id'])
    .execute();
  await db.schema
    .createIndex('index_conversations_email_idx')
    .on('index_conversations')
    .column('contact_email')
    .execute();

  await db.schema
    .createTable('index_messages')
    .addColumn('message_id', 'text', (col) => col.primaryKey())
    .addColumn('conversation_id', 'text', (col) => col.notNull())
    .addColumn('location_id', 'text', (col) => col.notNull())
    .addColumn('direction', 'text') // 'inbound' | 'outbound'
    .addColumn('type', 'text') // MessageType (TYPE_SMS, TYPE_CALL, …) or the webhook's short name
    .addColumn('status', 'text')
    .addColumn('body', 'text') // nulled by retention
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('has_recording', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('transcript', 'text') // nulled by retention
    .addColumn('updated_at', 'bigint', (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('index_messages_conversation_idx')
    .on('index_messages')
    .columns(['conversation_id', 'created_at'])
    .execute();

  if (isSqlite(db)) {
    // External-content FTS5 over index_messages (https://sqlite.org/fts5.html §4.4.3): the text lives once,
    // the triggers keep the index in step. Porter stemming, like Postgres' 'english' configuration.
    await sql`create virtual table index_search using fts5(body, transcript, content='index_messages', content_rowid='rowid', tokenize='porter unicode61')`.execute(
      db,
    );
    await sql`create trigger index_messages_search_ai after insert on index_messages begin
      insert into index_search(rowid, body, transcript) values (new.rowid, new.body, new.transcript); end`.execute(db);
    await sql`create trigger index_messages_search_ad after delete on index_messages begin
      insert into index_search(index_search, rowid, body, transcript) values ('delete', old.rowid, old.body, old.transcript); end`.execute(
      db,
    );
    await sql`create trigger index_messages_search_au after update on index_messages begin
      insert into index_search(index_search, rowid, body, transcript) values ('delete', old.rowid, old.body, old.transcript);
      insert into index_search(rowid, body, transcript) values (new.rowid, new.body, new.transcript); end`.execute(db);
  } else {
    await sql`alter table index_messages add column search_vector tsvector generated always as
      (to_tsvector('english', coalesce(body, '') || ' ' || coalesce(transcript, ''))) stored`.execute(db);
    await sql`create index index_messages_search_idx on index_messages using gin (search_vector)`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isSqlite(db)) {
    await sql`drop trigger if exists index_messages_search_au`.execute(db);
    await sql`drop trigger if exists index_messages_search_ad`.execute(db);
    await sql`drop trigger if exists index_messages_search_ai`.execute(db);
    await sql`drop table if exists index_search`.execute(db);
  }
  await db.schema.dropTable('index_messages').execute();
  await db.schema.dropTable('index_conversations').execute();
}
