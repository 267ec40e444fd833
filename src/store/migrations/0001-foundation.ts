/**
 * The foundation tables: the HighLevel call audit trail (who or what called, which scope, the
 * result), the rate-limit buckets every parley process shares, and instance settings. Portable types
 * only, so the same schema builder calls produce the same tables on SQLite and PostgreSQL.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('highlevel_calls')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('at', 'bigint', (col) => col.notNull())
    .addColumn('actor', 'text', (col) => col.notNull())
    .addColumn('location_id', 'text')
    .addColumn('operation_id', 'text', (col) => col.notNull())
    .addColumn('scope', 'text')
    .addColumn('status', 'integer')
    .addColumn('error_code', 'text')
    .addColumn('attempt', 'integer', (col) => col.notNull())
    .addColumn('duration_ms', 'integer', (col) => col.notNull())
    .execute();
  // The audit views read "calls for this location, newest first" and "calls of this operation".
  await db.schema
    .createIndex('highlevel_calls_location_id_at_idx')
    .on('highlevel_calls')
    .columns(['location_id', 'at'])
    .execute();
  await db.schema
    .createIndex('highlevel_calls_operation_id_at_idx')
    .on('highlevel_calls')
    .columns(['operation_id', 'at'])
    .execute();

  // HighLevel limits are per app per location (https://marketplace.gohighlevel.com/docs/other/rate-limits),
  // hence the pair key.
  await db.schema
    .createTable('rate_limit_state')
    .addColumn('app_id', 'text', (col) => col.notNull())
    .addColumn('location_id', 'text', (col) => col.notNull())
    .addColumn('max', 'integer', (col) => col.notNull())
    .addColumn('remaining', 'integer', (col) => col.notNull())
    .addColumn('interval_ms', 'integer', (col) => col.notNull())
    .addColumn('daily_limit', 'integer', (col) => col.notNull())
    .addColumn('daily_remaining', 'integer', (col) => col.notNull())
    .addColumn('window_started_at', 'bigint', (col) => col.notNull())
    .addColumn('updated_at', 'bigint', (col) => col.notNull())
    .addPrimaryKeyConstraint('rate_limit_state_pk', ['app_id', 'location_id'])
    .execute();

  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (col) => col.primaryKey())
    .addColumn('value', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'bigint', (col) => col.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('settings').execute();
  await db.schema.dropTable('rate_limit_state').execute();
  // Dropping the table drops its indexes on both databases.
  await db.schema.dropTable('highlevel_calls').execute();
}
