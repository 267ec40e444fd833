/**
 * Whether a rate-limit window parley opened has seen its first answer yet (src/ratelimit/bucket-state.ts
 * `confirmed`). Shared buckets (PostgreSQL, several workers) must agree on it like on every other field.
 * Existing rows are confirmed: their windows are long over.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('rate_limit_state')
    .addColumn('window_confirmed', 'integer', (col) => col.notNull().defaultTo(1))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('rate_limit_state').dropColumn('window_confirmed').execute();
}
