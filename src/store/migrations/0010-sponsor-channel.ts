/**
 * The sponsor channel's owners: which sponsor (config `sponsor.sponsors[].keyword`, as its key) each
 * sponsor-channel conversation belongs to, so a sponsor's console users see only their own
 * (src/search/sponsor-channel.ts). One row per conversation and sponsor: an attendee may write to two.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('index_sponsor_conversations')
    .addColumn('conversation_id', 'text', (col) => col.notNull())
    .addColumn('sponsor', 'text', (col) => col.notNull()) // the sponsor's key (src/search/sponsor-settings.ts)
    .addColumn('location_id', 'text', (col) => col.notNull())
    // The inbound message that routed the conversation here; null when a contact tag did.
    .addColumn('joined_by_message_id', 'text')
    .addColumn('joined_at', 'bigint', (col) => col.notNull())
    .addPrimaryKeyConstraint('index_sponsor_conversations_pkey', ['conversation_id', 'sponsor'])
    .execute();
  // A sponsor's search starts from their own conversations.
  await db.schema
    .createIndex('index_sponsor_conversations_sponsor_idx')
    .on('index_sponsor_conversations')
    .columns(['sponsor', 'conversation_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('index_sponsor_conversations').execute();
}
