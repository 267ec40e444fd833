/**
 * Buckets in `rate_limit_state`, shared by every process on one database (`mode: 'shared'`).
 * Taking a token is one conditional UPDATE: either "a token is left in the open
 * window" or "the window is over, open a new one". The database serialises concurrent UPDATEs of a
 * row and re-checks the WHERE clause against the row it finally gets (PostgreSQL READ COMMITTED,
 * https://www.postgresql.org/docs/current/transaction-iso.html#XACT-READ-COMMITTED), so two
 * processes can never spend the same token or both open the same window. The same UPDATEs count the
 * grant into the row's calls in flight (bucket-state.ts, `CallsInFlight`), and `observe` counts the
 * answered call out, so every process's hold-back sees every process's calls.
 * On PostgreSQL `observe` first tries optimistically: decide against the row as this process last
 * saw it (its own take's RETURNING, usually), and write only if the row is still that one: one
 * compare-and-set UPDATE whose statement also returns the row as it stands when it was not, to decide
 * again. The locked transaction takes four statements (begin, select for update, update, commit) for
 * the same outcome and is the fallback after lost races. Every answered HighLevel call runs it, so on
 * a busy multi-process deployment the statements it saves are a quarter of a welcome's
 * (docs/benchmarks.md, scale).
 */
import { type Kysely, sql } from 'kysely';
import { compiledStatement, runStatement } from '../store/compiled-statement.js';
import type { DialectName } from '../store/open-database.js';
import type { Database } from '../store/schema.js';
import {
  type BucketRow,
  compareAndSetOrRead,
  insertBucketRowIfMissing,
  selectAllBucketRows,
  selectBucketRow,
  stateFromRow,
  updateBucketRow,
} from './bucket-rows.js';
import {
  type BucketState,
  DAY_MS,
  holdEnd,
  type InFlight,
  NOTHING_IN_FLIGHT,
  type Observed,
  type ObservedFacts,
  observeResponse,
  type RateDefaults,
  retireCall,
  rowInFlight,
  STRAY_LEASE_MS,
  sameState,
  seedBucket,
  straysAt,
  type TakeOutcome,
  takeToken,
  windowEnd,
} from './bucket-state.js';
import type { BucketKey } from './bucket-store.js';
import type { PacedBucketStore, RideAlongInsert } from './types.js';

export interface SharedBucketsOptions {
  db: Kysely<Database>;
  dialect: DialectName;
  defaults: RateDefaults;
  safety: number;
}

/**
 * Takes a token from the open window, the call every HighLevel request makes first; compiled once per
 * database (src/store/compiled-statement.ts). Values: now, app, location, margin ms, day start, safety.
 * - The tail guard of bucket-state.ts's tailGuardMs(): min(margin, interval / 4) before the end.
 * - Same rule as reserveFor(): keep `safety` tokens back, but never the last one.
 */
const takeInOpenWindowSql = (p: readonly number[]) =>
  sql`update rate_limit_state set remaining = remaining - 1, daily_remaining = daily_remaining - 1,
  updated_at = ${p[0]}, in_flight = in_flight + 1
  where app_id = ${p[1]} and location_id = ${p[2]}
  and window_started_at + interval_ms - case when ${p[3]} < interval_ms / 4 then ${p[3]} else interval_ms / 4 end > ${p[0]}
  and daily_remaining > 0 and updated_at >= ${p[4]}
  and (remaining > ${p[5]} or (max <= ${p[5]} and remaining > 0))
  returning *`;

/** A handful of rounds covers "row missing" and "new day" before the real attempt; more means contention. */
const MAX_ROUNDS = 4;

export function createSharedBuckets(options: SharedBucketsOptions): PacedBucketStore {
  const { db, dialect, defaults, safety } = options;

  function forKey(key: BucketKey) {
    return db.updateTable('rate_limit_state').where('app_id', '=', key.appId).where('location_id', '=', key.locationId);
  }

  async function takeInOpenWindow(key: BucketKey, now: number, marginMs: number) {
    const dayStart = Math.floor(now / DAY_MS) * DAY_MS;
    const values = [now, key.appId, key.locationId, marginMs, dayStart, safety];
    const statement = compiledStatement(db, 'rate.takeInOpenWindow', takeInOpenWindowSql, values.length);
    const [row] = (await runStatement<Database, BucketRow>(db, statement, values)).rows;
    return row;
  }

  async function openNewWindow(key: BucketKey, now: number) {
    const dayStart = Math.floor(now / DAY_MS) * DAY_MS;
    // rollCalls() of bucket-state.ts: the closing window's calls become strays of this lease slot.
    const slot = Math.floor(now / STRAY_LEASE_MS);
    const carried = sql<number>`case when window_started_at + interval_ms > ${now - STRAY_LEASE_MS} then in_flight else 0 end`;
    return forKey(key)
      .set((eb) => ({
        window_started_at: now,
        // One request opens the window, the rest are held (negative) until its answer: bucket-state.ts.
        remaining: sql<number>`case when max > 1 then 1 - max else 0 end`,
        daily_remaining: eb('daily_remaining', '-', 1),
        updated_at: now,
        opened_at: now,
        in_flight: 1,
        strays: sql<number>`case when strays_slot >= ${slot} then strays else 0 end + ${carried}`,
        older_strays: sql<number>`case when strays_slot >= ${slot} then older_strays when strays_slot = ${slot - 1} then strays else 0 end`,
        strays_slot: sql<number>`case when strays_slot > ${slot} then strays_slot else ${slot} end`,
      }))
      .where((eb) => eb(eb('window_started_at', '+', eb.ref('interval_ms')), '<=', now))
      .where('daily_remaining', '>', 0)
      .where('updated_at', '>=', dayStart)
      .returningAll()
      .executeTakeFirst();
  }

  /**
   * A held window whose first answer did not come within the hold is released as it stands, less
   * every process's requests granted before it opened and still in flight (bucket-state.ts), as read
   * from the row of that same window.
   */
  async function releaseHeld(key: BucketKey, now: number, holdBack: number, openedAt: number): Promise<void> {
    await forKey(key)
      .set({ remaining: sql<number>`case when -remaining > ${holdBack} then -remaining - ${holdBack} else 0 end` })
      .where('remaining', '<', 0)
      .where('opened_at', '=', openedAt)
      .where(sql<boolean>`window_started_at + interval_ms / 4 <= ${now}`)
      .execute();
  }

  /** A new UTC day refills the daily count once, whichever process gets there first. */
  async function rollDay(key: BucketKey, now: number): Promise<void> {
    const dayStart = Math.floor(now / DAY_MS) * DAY_MS;
    await forKey(key)
      .set((eb) => ({ daily_remaining: eb.ref('daily_limit'), updated_at: now }))
      .where('updated_at', '<', dayStart)
      .execute();
  }

  function observeAgainst(stored: BucketState, facts: ObservedFacts, now: number, inFlight: InFlight): Observed {
    let state = stored;
    // The answered call leaves the row's calls in flight before the hold-back reads them.
    if (state.calls && inFlight.retiring != null) {
      state = { ...state, calls: retireCall(state.calls, inFlight.retiring, now) };
    }
    return observeResponse(state, facts, now, defaults, rowInFlight(state, now, inFlight.marginMs));
  }

  /**
   * The row as this process last read or wrote it, per bucket: the expected row of observe's
   * compare-and-set. Right, it saves the read; stale (another process or call wrote since), the
   * compare-and-set fails and its statement returns the row as it stands, so it costs no more
   * statements than reading first. One entry per location this process has called.
   */
  const lastSeen = new Map<string, BucketState>();
  const cacheKey = (key: BucketKey) => `${key.appId}\u0000${key.locationId}`;

  /**
   * PostgreSQL's observe without a lock; `observed` undefined when it lost every round (or the row is
   * missing). `alongside` rides in the first compare-and-set statement; a failure of that statement
   * is taken as possibly the ride-along's, and the answer is counted again without it (the caller then
   * writes it on its own, where its failure cannot fail the call).
   */
  async function observeOptimistically(
    key: BucketKey,
    facts: ObservedFacts,
    now: number,
    inFlight: InFlight,
    alongside: RideAlongInsert | undefined,
  ): Promise<{ observed: Observed | undefined; alongsideWritten: boolean }> {
    const id = cacheKey(key);
    let stored = lastSeen.get(id);
    let riding = alongside;
    let alongsideWritten = false;
    // A remembered row may be stale, so "nothing to write" is only trusted against a fresh read.
    let fresh = false;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      if (!stored) {
        stored = await selectBucketRow(db, key);
        if (!stored) break;
        fresh = true;
      }
      const observed = observeAgainst(stored, facts, now, inFlight);
      if (sameState(stored, observed.state)) {
        if (fresh) return { observed, alongsideWritten };
        stored = undefined;
        continue;
      }
      let outcome: Awaited<ReturnType<typeof compareAndSetOrRead>>;
      try {
        outcome = await compareAndSetOrRead(db, key, stored, observed.state, riding);
      } catch (error) {
        if (!riding) throw error;
        riding = undefined;
        continue;
      }
      if (riding) alongsideWritten = true;
      riding = undefined;
      if (outcome.current) lastSeen.set(id, outcome.current);
      else lastSeen.delete(id);
      if (outcome.written) return { observed, alongsideWritten };
      stored = outcome.current;
      if (!stored) break;
      fresh = true;
    }
    return { observed: undefined, alongsideWritten };
  }

  return {
    async take(key, now, inFlight: InFlight = NOTHING_IN_FLIGHT): Promise<TakeOutcome> {
      for (let round = 0; round < MAX_ROUNDS; round++) {
        const taken = (await takeInOpenWindow(key, now, inFlight.marginMs)) ?? (await openNewWindow(key, now));
        if (taken) {
          const state = stateFromRow(taken);
          lastSeen.set(cacheKey(key), state);
          return { ok: true, state };
        }
        const state = await selectBucketRow(db, key);
        if (!state) {
          await insertBucketRowIfMissing(db, key, seedBucket(defaults, now));
          continue;
        }
        if (Math.floor(state.updatedAt / DAY_MS) < Math.floor(now / DAY_MS)) {
          await rollDay(key, now);
          continue;
        }
        if (state.remaining < 0 && now >= holdEnd(state) && now < windowEnd(state)) {
          const calls = state.calls;
          await releaseHeld(key, now, calls ? straysAt(calls, now) : 0, calls?.openedAt ?? 0);
          continue;
        }
        const outcome = takeToken(state, now, safety, rowInFlight(state, now, inFlight.marginMs));
        // The row changed between our UPDATEs and this read (another process); try again.
        if (!outcome.ok) return outcome;
      }
      const state = (await selectBucketRow(db, key)) ?? seedBucket(defaults, now);
      return { ok: false, reason: 'burst', waitMs: 1, state };
    },

    async observe(key, facts: ObservedFacts, now, inFlight: InFlight = NOTHING_IN_FLIGHT, alongside) {
      let alongsideWritten = false;
      if (dialect === 'postgres') {
        const optimistic = await observeOptimistically(key, facts, now, inFlight, alongside);
        if (optimistic.observed) return { ...optimistic.observed, alongsideWritten: optimistic.alongsideWritten };
        alongsideWritten = optimistic.alongsideWritten;
      }
      const observed = await db.transaction().execute(async (trx) => {
        // SQLite transactions begin IMMEDIATE (store/sqlite-dialect.ts) and so already hold the write lock.
        const forUpdate = dialect === 'postgres';
        let state = await selectBucketRow(trx, key, { forUpdate });
        if (!state) {
          await insertBucketRowIfMissing(trx, key, seedBucket(defaults, now));
          state = await selectBucketRow(trx, key, { forUpdate });
          if (!state) throw new Error(`rate_limit_state row for location ${key.locationId} vanished`);
        }
        const observed = observeAgainst(state, facts, now, inFlight);
        if (!sameState(state, observed.state)) await updateBucketRow(trx, key, observed.state);
        return observed;
      });
      if (dialect === 'postgres') lastSeen.set(cacheKey(key), observed.state);
      return { ...observed, alongsideWritten };
    },

    list: () => selectAllBucketRows(db),
  };
}
