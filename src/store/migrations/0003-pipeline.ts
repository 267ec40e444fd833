/**
 * The durable pipeline: webhook inbox, job queue, workflow runs with journaled steps, the
 * attendee ↔ HighLevel links the welcome flow keeps, and attendees' stored preferences.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Every accepted delivery, stored raw before the 2xx, so an acknowledged delivery is never lost.
  // `dedupe_key` is unique per source, so a retried or replayed delivery finds its first copy
  // instead of a second row.
  await db.schema
    .createTable('inbox')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('source', 'text', (col) => col.notNull()) // 'accelevents' | 'highlevel' | 'reconciliation'
    .addColumn('dedupe_key', 'text', (col) => col.notNull())
    .addColumn('topic', 'text')
    .addColumn('content_type', 'text')
    .addColumn('headers', 'text', (col) => col.notNull()) // JSON, secrets and cookies removed
    .addColumn('body', 'text', (col) => col.notNull()) // raw payload as received
    .addColumn('mapped', 'text') // JSON of the mapped fields (attendee, event, …), when mapping succeeded
    .addColumn('status', 'text', (col) => col.notNull()) // 'received' | 'processed' | 'ignored' | 'failed'
    .addColumn('error', 'text')
    .addColumn('received_at', 'bigint', (col) => col.notNull())
    .addColumn('processed_at', 'bigint')
    .addUniqueConstraint('inbox_source_dedupe_key_unique', ['source', 'dedupe_key'])
    .execute();
  await db.schema.createIndex('inbox_received_at_idx').on('inbox').column('received_at').execute();

  await db.schema
    .createTable('jobs')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('payload', 'text', (col) => col.notNull()) // JSON
    .addColumn('priority', 'integer', (col) => col.notNull()) // lower runs first
    .addColumn('run_at', 'bigint', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull()) // 'pending' | 'running' | 'done' | 'dead'
    .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('max_attempts', 'integer', (col) => col.notNull())
    .addColumn('locked_by', 'text')
    .addColumn('locked_until', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('dedupe_key', 'text', (col) => col.unique()) // null for jobs that need none
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('updated_at', 'bigint', (col) => col.notNull())
    .addColumn('finished_at', 'bigint')
    .execute();
  // The claim query: pending (or lease-expired running) jobs due now, by priority then run_at.
  await db.schema.createIndex('jobs_claim_idx').on('jobs').columns(['status', 'priority', 'run_at']).execute();

  await db.schema
    .createTable('workflow_runs')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('workflow', 'text', (col) => col.notNull())
    // One run per (workflow, triggering event): a duplicate delivery finds the run instead of starting another.
    .addColumn('trigger_key', 'text', (col) => col.notNull().unique())
    .addColumn('status', 'text', (col) => col.notNull()) // 'running' | 'completed' | 'failed' | 'skipped'
    .addColumn('input', 'text', (col) => col.notNull()) // JSON
    .addColumn('error', 'text')
    .addColumn('started_at', 'bigint', (col) => col.notNull())
    .addColumn('finished_at', 'bigint')
    .execute();
  await db.schema.createIndex('workflow_runs_started_at_idx').on('workflow_runs').column('started_at').execute();

  // The journal: a step's result is stored before the next step starts; a replay skips finished steps.
  await db.schema
    .createTable('run_steps')
    .addColumn('run_id', 'text', (col) => col.notNull())
    .addColumn('step', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull()) // 'started' | 'completed' | 'failed'
    .addColumn('output', 'text') // JSON
    .addColumn('started_at', 'bigint', (col) => col.notNull())
    .addColumn('finished_at', 'bigint')
    .addPrimaryKeyConstraint('run_steps_pk', ['run_id', 'step'])
    .execute();

  // attendeeId ↔ contactId ↔ conversationId ↔ messageId, so a HighLevel reply leads back to the attendee.
  await db.schema
    .createTable('attendee_links')
    .addColumn('event_key', 'text', (col) => col.notNull())
    .addColumn('attendee_id', 'text', (col) => col.notNull())
    .addColumn('location_id', 'text', (col) => col.notNull())
    .addColumn('contact_id', 'text')
    .addColumn('conversation_id', 'text')
    .addColumn('welcome_message_id', 'text')
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('updated_at', 'bigint', (col) => col.notNull())
    .addPrimaryKeyConstraint('attendee_links_pk', ['event_key', 'attendee_id'])
    .execute();
  await db.schema.createIndex('attendee_links_contact_id_idx').on('attendee_links').column('contact_id').execute();

  await db.schema
    .createTable('preferences')
    .addColumn('location_id', 'text', (col) => col.notNull())
    .addColumn('contact_id', 'text', (col) => col.notNull())
    .addColumn('key', 'text', (col) => col.notNull())
    .addColumn('value', 'text', (col) => col.notNull())
    .addColumn('received_at', 'bigint', (col) => col.notNull())
    .addPrimaryKeyConstraint('preferences_pk', ['location_id', 'contact_id', 'key'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['preferences', 'attendee_links', 'run_steps', 'workflow_runs', 'jobs', 'inbox']) {
    await db.schema.dropTable(table).execute();
  }
}
