/**
 * Every process's HighLevel calls in flight, carried in the shared bucket row (src/ratelimit/bucket-state.ts,
 * `CallsInFlight`), so a new window holds back the calls any process granted before it opened and has
 * not seen answered. Existing rows start with nothing in flight.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  for (const [column, type] of [
    ['opened_at', 'bigint'],
    ['in_flight', 'integer'],
    ['strays', 'integer'],
    ['older_strays', 'integer'],
    ['strays_slot', 'bigint'],
  ] as const) {
    await db.schema
      .alterTable('rate_limit_state')
      .addColumn(column, type, (col) => col.notNull().defaultTo(0))
      .execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const column of ['opened_at', 'in_flight', 'strays', 'older_strays', 'strays_slot']) {
    await db.schema.alterTable('rate_limit_state').dropColumn(column).execute();
  }
}
