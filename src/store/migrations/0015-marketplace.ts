/**
 * HighLevel workflow-builder triggers (src/marketplace/). `marketplace_subscriptions` holds one row per
 * workflow trigger HighLevel told us about (its `triggerData.id`), with the `targetUrl` we POST firings
 * to; a DELETED subscription is kept, marked `deleted`, so a late firing job can tell it must not send.
 * `marketplace_firings` is the delivery ledger: one row per (trigger, event), unique, written in the
 * same transaction as the job that delivers it, so a replayed event fires once.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('marketplace_subscriptions')
    .addColumn('trigger_id', 'text', (col) => col.primaryKey()) // HighLevel's triggerData.id
    .addColumn('trigger_key', 'text', (col) => col.notNull()) // one of src/marketplace/trigger-catalog.ts
    .addColumn('location_id', 'text', (col) => col.notNull())
    .addColumn('workflow_id', 'text')
    .addColumn('company_id', 'text')
    .addColumn('target_url', 'text', (col) => col.notNull())
    .addColumn('filters', 'text', (col) => col.notNull()) // JSON array, as HighLevel sent it
    .addColumn('status', 'text', (col) => col.notNull()) // active | deleted
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('updated_at', 'bigint', (col) => col.notNull())
    .execute();
  // Planning a firing reads the active subscriptions of one trigger at one location.
  await db.schema
    .createIndex('marketplace_subscriptions_key_location_idx')
    .on('marketplace_subscriptions')
    .columns(['trigger_key', 'location_id', 'status'])
    .execute();
  await db.schema
    .createTable('marketplace_firings')
    .addColumn('id', 'text', (col) => col.primaryKey()) // sortable: newest last
    .addColumn('trigger_id', 'text', (col) => col.notNull())
    .addColumn('trigger_key', 'text', (col) => col.notNull())
    .addColumn('event_key', 'text', (col) => col.notNull()) // what happened, e.g. registered:<event>:<attendee>
    .addColumn('location_id', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull()) // queued | sent | failed | filtered | skipped
    .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('http_status', 'integer')
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('sent_at', 'bigint')
    .addUniqueConstraint('marketplace_firings_dedupe_unique', ['trigger_id', 'event_key'])
    .execute();
  await db.schema
    .createIndex('marketplace_firings_location_created_idx')
    .on('marketplace_firings')
    .columns(['location_id', 'created_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('marketplace_firings').execute();
  await db.schema.dropTable('marketplace_subscriptions').execute();
}
