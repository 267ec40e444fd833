/**
 * `rate_limit_state` rows to and from `BucketState` (both storage modes write the same columns).
 * The reads and the compare-and-set run for every HighLevel call in shared mode, so they are compiled
 * once per database (src/store/compiled-statement.ts) instead of built through Kysely each time: the
 * compare-and-set alone names 13 columns twice.
 */
import { type Kysely, type RawBuilder, type Selectable, sql, type Transaction } from 'kysely';
import { compiledStatement, runStatement } from '../store/compiled-statement.js';
import type { Database, RateLimitStateTable } from '../store/schema.js';
import type { BucketState } from './bucket-state.js';
import type { BucketKey } from './bucket-store.js';
import type { RideAlongInsert } from './types.js';

type Db = Kysely<Database> | Transaction<Database>;

export function stateFromRow(row: BucketRow): BucketState {
  return {
    max: Number(row.max),
    remaining: Number(row.remaining),
    intervalMs: Number(row.interval_ms),
    dailyLimit: Number(row.daily_limit),
    dailyRemaining: Number(row.daily_remaining),
    windowStartedAt: Number(row.window_started_at),
    updatedAt: Number(row.updated_at),
    confirmed: Number(row.window_confirmed) !== 0,
    calls: {
      openedAt: Number(row.opened_at),
      current: Number(row.in_flight),
      strays: Number(row.strays),
      olderStrays: Number(row.older_strays),
      straysSlot: Number(row.strays_slot),
    },
  };
}

function columns(state: BucketState) {
  return {
    max: state.max,
    remaining: state.remaining,
    interval_ms: state.intervalMs,
    daily_limit: state.dailyLimit,
    daily_remaining: state.dailyRemaining,
    window_started_at: state.windowStartedAt,
    updated_at: state.updatedAt,
    window_confirmed: state.confirmed === false ? 0 : 1,
    // Memory mode's snapshots carry no calls in flight and leave these columns as they are.
    ...(state.calls
      ? {
          opened_at: state.calls.openedAt,
          in_flight: state.calls.current,
          strays: state.calls.strays,
          older_strays: state.calls.olderStrays,
          strays_slot: state.calls.straysSlot,
        }
      : {}),
  };
}

export type BucketRow = Selectable<RateLimitStateTable>;

const selectRow =
  (forUpdate: boolean) =>
  (p: readonly number[]): RawBuilder<unknown> =>
    sql`select * from rate_limit_state where app_id = ${p[0]} and location_id = ${p[1]}${forUpdate ? sql` for update` : sql``}`;

export async function selectBucketRow(
  db: Db,
  key: BucketKey,
  options: { forUpdate?: boolean } = {},
): Promise<BucketState | undefined> {
  const forUpdate = options.forUpdate === true;
  const statement = compiledStatement(db, `rate.selectRow:${forUpdate}`, selectRow(forUpdate), 2);
  const [row] = (await runStatement<Database, BucketRow>(db, statement, [key.appId, key.locationId])).rows;
  return row ? stateFromRow(row) : undefined;
}

/** Creates the row unless another process already did (then theirs stands). */
export async function insertBucketRowIfMissing(db: Db, key: BucketKey, state: BucketState): Promise<void> {
  await db
    .insertInto('rate_limit_state')
    .values({ app_id: key.appId, location_id: key.locationId, ...columns(state) })
    .onConflict((oc) => oc.columns(['app_id', 'location_id']).doNothing())
    .execute();
}

export async function upsertBucketRow(db: Db, key: BucketKey, state: BucketState): Promise<void> {
  const values = columns(state);
  await db
    .insertInto('rate_limit_state')
    .values({ app_id: key.appId, location_id: key.locationId, ...values })
    .onConflict((oc) => oc.columns(['app_id', 'location_id']).doUpdateSet(values))
    .execute();
}

export async function updateBucketRow(db: Db, key: BucketKey, state: BucketState): Promise<void> {
  await db
    .updateTable('rate_limit_state')
    .set(columns(state))
    .where('app_id', '=', key.appId)
    .where('location_id', '=', key.locationId)
    .execute();
}

/**
 * PostgreSQL only: writes `next` only if the row still holds every column of `stored` (compare-and-set),
 * and in the same statement returns the row as it stands when the set did not happen, so a caller whose
 * expected row was stale decides again without a separate read. A row another process changed in
 * between is left alone. The outer SELECT reads the statement's snapshot, not the UPDATE's effect
 * (https://www.postgresql.org/docs/current/queries-with.html#QUERIES-WITH-MODIFYING); that is only used
 * when nothing was written. `current` is undefined when the row does not exist. `alongside` is inserted
 * by the same statement whether or not the row was set.
 */
export async function compareAndSetOrRead(
  db: Db,
  key: BucketKey,
  stored: BucketState,
  next: BucketState,
  alongside?: RideAlongInsert,
): Promise<{ written: boolean; current: BucketState | undefined }> {
  const set = columns(next);
  const where = columns(stored);
  const setNames = Object.keys(set);
  const whereNames = Object.keys(where);
  const values: unknown[] = [...Object.values(set), key.appId, key.locationId, ...Object.values(where)];
  const along = values.length;
  if (alongside) values.push(...alongside.values);
  const statement = compiledStatement(
    db,
    `rate.compareAndSetOrRead:${setNames.length}:${whereNames.length}:${alongside?.key ?? ''}`,
    (p) => {
      const assignments = setNames.map((name, i) => sql`${sql.ref(name)} = ${p[i]}`);
      const at = setNames.length;
      const unchanged = whereNames.map((name, i) => sql` and ${sql.ref(name)} = ${p[at + 2 + i]}`);
      // A data-modifying WITH runs whether or not the rest reads it, so the insert happens exactly once.
      const ride = alongside ? sql`along as (${alongside.build(p.slice(along))}), ` : sql``;
      return sql`with ${ride}written as (update rate_limit_state set ${sql.join(assignments)}
        where app_id = ${p[at]} and location_id = ${p[at + 1]}${sql.join(unchanged, sql``)} returning 1)
        select (select count(*) from written) as written, r.* from rate_limit_state r
        where r.app_id = ${p[at]} and r.location_id = ${p[at + 1]}`;
    },
    values.length,
  );
  const [row] = (await runStatement<Database, BucketRow & { written: string | number }>(db, statement, values)).rows;
  if (!row) return { written: false, current: undefined };
  return Number(row.written) > 0 ? { written: true, current: next } : { written: false, current: stateFromRow(row) };
}

export async function selectAllBucketRows(db: Db): Promise<{ key: BucketKey; state: BucketState }[]> {
  const rows = await db.selectFrom('rate_limit_state').selectAll().orderBy('app_id').orderBy('location_id').execute();
  return rows.map((row) => ({ key: { appId: row.app_id, locationId: row.location_id }, state: stateFromRow(row) }));
}
