/** `rate_limit_state` rows to and from `BucketState` (both storage modes write the same columns). */
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database, RateLimitStateTable } from '../store/schema.js';
import type { BucketState } from './bucket-state.js';
import type { BucketKey } from './bucket-store.js';

type Db = Kysely<Database> | Transaction<Database>;

export function stateFromRow(row: Selectable<RateLimitStateTable>): BucketState {
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

export async function selectBucketRow(
  db: Db,
  key: BucketKey,
  options: { forUpdate?: boolean } = {},
): Promise<BucketState | undefined> {
  let query = db
    .selectFrom('rate_limit_state')
    .selectAll()
    .where('app_id', '=', key.appId)
    .where('location_id', '=', key.locationId);
  if (options.forUpdate) query = query.forUpdate();
  const row = await query.executeTakeFirst();
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
 * Writes `next` only if the row still holds every column of `stored` (compare-and-set): true when it
 * did. A row another process changed in between is left alone, and the caller decides again.
 */
export async function updateBucketRowIfUnchanged(
  db: Db,
  key: BucketKey,
  stored: BucketState,
  next: BucketState,
): Promise<boolean> {
  let query = db
    .updateTable('rate_limit_state')
    .set(columns(next))
    .where('app_id', '=', key.appId)
    .where('location_id', '=', key.locationId);
  for (const [column, value] of Object.entries(columns(stored)) as [keyof ReturnType<typeof columns>, number][]) {
    query = query.where(column, '=', value);
  }
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function selectAllBucketRows(db: Db): Promise<{ key: BucketKey; state: BucketState }[]> {
  const rows = await db.selectFrom('rate_limit_state').selectAll().orderBy('app_id').orderBy('location_id').execute();
  return rows.map((row) => ({ key: { appId: row.app_id, locationId: row.location_id }, state: stateFromRow(row) }));
}
