/**
 * Notes on an attendee's parley record, added by HighLevel workflows through the `parley_add_note`
 * marketplace action (src/marketplace/actions/add-note.ts). Keyed by location and contact, the way a
 * HighLevel workflow names the person; the attendee and event are kept when parley knows them.
 * `dedupe_key` makes a repeated call (HighLevel states no retry rules) add the note once.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('attendee_notes')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('location_id', 'text', (col) => col.notNull())
    .addColumn('contact_id', 'text', (col) => col.notNull())
    .addColumn('attendee_id', 'text') // the Accelevents barcode, when parley links the contact to one
    .addColumn('event_key', 'text')
    .addColumn('body', 'text', (col) => col.notNull())
    .addColumn('source', 'text', (col) => col.notNull()) // e.g. `marketplace:<workflowId>`
    .addColumn('dedupe_key', 'text', (col) => col.notNull().unique())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('attendee_notes_contact_idx')
    .on('attendee_notes')
    .columns(['location_id', 'contact_id', 'created_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('attendee_notes').execute();
}
