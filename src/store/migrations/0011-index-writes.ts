/**
 * What the local index needs to show what parley itself wrote and to name every contact:
 * - `index_messages.attachments`: the message's attachment URLs as a JSON array (null: none known);
 * - `index_contacts`: each contact's name, email and phone as parley last learnt them (the contact it
 *   upserted, or get-contact for a webhook about a contact the index did not know), so a conversation
 *   row can be named without asking HighLevel again (src/search/contact-details.ts);
 * - an index on `attendee_links.attendee_id`, so search by Accelevents attendee id is a lookup.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('index_messages').addColumn('attachments', 'text').execute();
  await db.schema
    .createTable('index_contacts')
    .addColumn('location_id', 'text', (col) => col.notNull())
    .addColumn('contact_id', 'text', (col) => col.notNull())
    .addColumn('name', 'text')
    .addColumn('email', 'text') // lower-case, like index_conversations.contact_email
    .addColumn('phone', 'text')
    .addColumn('updated_at', 'bigint', (col) => col.notNull())
    .addPrimaryKeyConstraint('index_contacts_pkey', ['location_id', 'contact_id'])
    .execute();
  await db.schema.createIndex('attendee_links_attendee_id_idx').on('attendee_links').column('attendee_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('attendee_links_attendee_id_idx').execute();
  await db.schema.dropTable('index_contacts').execute();
  await db.schema.alterTable('index_messages').dropColumn('attachments').execute();
}
