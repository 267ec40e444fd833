/**
 * Shared buckets carry every process's calls in flight in their row (src/ratelimit/bucket-state.ts,
 * `CallsInFlight`), so a new window holds back calls that any process granted before it opened and
 * has not seen answered, and the count of a process that died ages out. Driven through the store with
 * explicit times (no sleeps); "process A" and "process B" are the InFlight records each would pass.
 */
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { selectBucketRow } from '../../src/ratelimit/bucket-rows.js';
import type { InFlight, ObservedFacts } from '../../src/ratelimit/bucket-state.js';
import { STRAY_LEASE_MS } from '../../src/ratelimit/bucket-state.js';
import { createSharedBuckets } from '../../src/ratelimit/shared-buckets.js';
import { describeEachDatabase } from '../helpers/databases.js';

const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);
const INTERVAL_MS = 1_000;
const MAX = 4;

/** A 200 answer reporting `remaining` of MAX in a 1 s window. */
function answer(remaining: number): ObservedFacts {
  return {
    status: 200,
    rateLimit: { max: MAX, remaining, intervalMs: INTERVAL_MS, dailyLimit: 200_000, dailyRemaining: 199_000 },
  };
}

/** What a process passes at an answer: no margin, and the window its retired grant was counted in. */
function retiring(openedAt: number | null): InFlight {
  return { grantedBefore: () => 0, marginMs: 0, retiring: openedAt };
}

describeEachDatabase('shared buckets: calls in flight of every process', (getStore) => {
  let locations = 0;
  /** A calibrated bucket (MAX per second) on its own location, with process B's `strays` calls granted late in it. */
  async function windowWithStrays(strays: number) {
    const store = getStore();
    const buckets = createSharedBuckets({
      db: store.db,
      dialect: store.dialect,
      defaults: { max: 100, intervalMs: INTERVAL_MS, dailyLimit: 200_000 },
      safety: 0,
    });
    const key = { appId: 'app-1', locationId: `loc-${++locations}` };
    const probe = await buckets.take(key, T0);
    await buckets.observe(key, answer(MAX - 1), T0 + 5, retiring(probe.state.calls?.openedAt ?? null));
    const bGrants: number[] = [];
    for (let i = 0; i < strays; i++) {
      const taken = await buckets.take(key, T0 + 900);
      expect(taken.ok).toBe(true);
      bGrants.push(taken.state.calls?.openedAt ?? -1);
    }
    /** Process A opens the next window at `at`, hears its first answer and spends the rest: what the window gave. */
    async function nextWindowAt(at: number, remainingReported = MAX - 1) {
      const opener = await buckets.take(key, at);
      expect(opener.ok).toBe(true);
      const observed = await buckets.observe(
        key,
        answer(remainingReported),
        at + 10,
        retiring(opener.state.calls?.openedAt ?? null),
      );
      const grants: number[] = [];
      for (;;) {
        const taken = await buckets.take(key, at + 20);
        if (!taken.ok) break;
        grants.push(taken.state.calls?.openedAt ?? -1);
      }
      // A hears every one of its calls answered before the window ends.
      for (const openedAt of grants) await buckets.observe(key, answer(0), at + 30, retiring(openedAt));
      return { remaining: observed.state.remaining, granted: grants.length };
    }
    return { buckets, key, bGrants, nextWindowAt };
  }

  it("holds back a new window's tokens for another process's calls still unanswered when it opened", async () => {
    const { nextWindowAt } = await windowWithStrays(2);
    // The opener's answer counts only the opener (3 left of 4); B's two calls may still reach HighLevel in this window.
    expect(await nextWindowAt(T0 + 1_010)).toEqual({ remaining: 1, granted: 1 });
  });

  it('gives a new window its full count once the other process has seen its calls answered', async () => {
    const { buckets, key, bGrants, nextWindowAt } = await windowWithStrays(2);
    for (const openedAt of bGrants) await buckets.observe(key, answer(0), T0 + 950, retiring(openedAt));
    expect(await nextWindowAt(T0 + 1_010)).toEqual({ remaining: 3, granted: 3 });
  });

  it('counts out a stray answered after the new window opened, so later windows hold back no more', async () => {
    const { buckets, key, bGrants, nextWindowAt } = await windowWithStrays(2);
    expect(await nextWindowAt(T0 + 1_010)).toEqual({ remaining: 1, granted: 1 });
    for (const openedAt of bGrants) await buckets.observe(key, answer(0), T0 + 1_100, retiring(openedAt));
    expect(await nextWindowAt(T0 + 2_100)).toEqual({ remaining: 3, granted: 3 });
  });

  it('still holds back the calls of a process that died while their lease runs, then forgets them', async () => {
    const { nextWindowAt } = await windowWithStrays(2);
    // B never answers (it died). Process A keeps opening windows and hearing every answer.
    expect(await nextWindowAt(T0 + 1_010)).toEqual({ remaining: 1, granted: 1 });
    expect(await nextWindowAt(T0 + 30_000)).toEqual({ remaining: 1, granted: 1 });
    expect(await nextWindowAt(T0 + 2 * STRAY_LEASE_MS + 2_000)).toEqual({ remaining: 3, granted: 3 });
  });

  it("counts an answer against the row as it stands when another process granted a call since this process's last write", async () => {
    const { buckets: processA, key } = await windowWithStrays(0);
    const processB = createSharedBuckets({
      db: getStore().db,
      dialect: getStore().dialect,
      defaults: { max: 100, intervalMs: INTERVAL_MS, dailyLimit: 200_000 },
      safety: 0,
    });
    const a = await processA.take(key, T0 + 900);
    const b = await processB.take(key, T0 + 905); // after A's take: A's remembered row is stale
    expect(a.ok && b.ok).toBe(true);
    const observed = await processA.observe(key, answer(0), T0 + 910, retiring(a.state.calls?.openedAt ?? null));
    const row = await selectBucketRow(getStore().db, key);
    // A's answer retired A's call only: B's grant is still spent and still in flight.
    expect(row?.calls?.current).toBe(1);
    expect(row?.dailyRemaining).toBe(b.state.dailyRemaining);
    expect(observed.state).toEqual(row);
  });

  it('writes a ride-along insert in the same statement as the answer on PostgreSQL, and leaves it to the caller on SQLite', async () => {
    const { buckets, key } = await windowWithStrays(0);
    const taken = await buckets.take(key, T0 + 900);
    const id = `ride-${locations}`;
    const observed = await buckets.observe(key, answer(1), T0 + 910, retiring(taken.state.calls?.openedAt ?? null), {
      key: 'test.rideAlong',
      build: (p) => sql`insert into settings (key, value, updated_at) values (${p[0]}, ${p[1]}, ${p[2]})`,
      values: [id, 'rode', T0],
    });
    const stored = await getStore().db.selectFrom('settings').select('value').where('key', '=', id).execute();
    const onPostgres = getStore().dialect === 'postgres';
    expect(observed.alongsideWritten === true).toBe(onPostgres);
    expect(stored.map((r) => r.value)).toEqual(onPostgres ? ['rode'] : []);
    expect((await selectBucketRow(getStore().db, key))?.calls?.current).toBe(0);
  });

  it('still counts the answer when its ride-along insert fails, and reports it unwritten', async () => {
    const { buckets, key } = await windowWithStrays(0);
    const taken = await buckets.take(key, T0 + 900);
    const observed = await buckets.observe(key, answer(1), T0 + 910, retiring(taken.state.calls?.openedAt ?? null), {
      key: 'test.failingRide',
      build: (p) => sql`insert into no_such_table (id) values (${p[0]})`,
      values: ['x'],
    });
    expect(observed.alongsideWritten ?? false).toBe(false);
    const row = await selectBucketRow(getStore().db, key);
    expect(row?.calls?.current).toBe(0);
    expect(observed.state).toEqual(row);
  });
});
