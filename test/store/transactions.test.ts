import { expect, it } from 'vitest';
import type { Store } from '../../src/store/open-database.js';
import { isUniqueViolation } from '../../src/store/unique-violation.js';
import { describeEachDatabase } from '../helpers/databases.js';

async function settingKeys(store: Store, prefix: string): Promise<string[]> {
  const rows = await store.db
    .selectFrom('settings')
    .select('key')
    .where('key', 'like', `${prefix}%`)
    .orderBy('key')
    .execute();
  return rows.map((row) => row.key);
}

describeEachDatabase('store writes', (getStore) => {
  it('leaves no rows behind when a transaction throws half-way', async () => {
    const store = getStore();
    const failure = await store.db
      .transaction()
      .execute(async (trx) => {
        await trx.insertInto('settings').values({ key: 'tx.first', value: '1', updated_at: 1 }).execute();
        await trx.insertInto('settings').values({ key: 'tx.second', value: '2', updated_at: 2 }).execute();
        throw new Error('boom after two inserts');
      })
      .catch((error: unknown) => error);

    expect((failure as Error).message).toBe('boom after two inserts');
    expect(await settingKeys(store, 'tx.')).toEqual([]);
  });

  /** A settings row under `key`, then a second insert of the same key; what that insert threw. */
  async function insertedTwice(key: string) {
    const store = getStore();
    await store.db.insertInto('settings').values({ key, value: 'first', updated_at: 1 }).execute();
    const failure = await store.db
      .insertInto('settings')
      .values({ key, value: 'second', updated_at: 2 })
      .execute()
      .catch((error: unknown) => error);
    return { store, failure };
  }

  it('raises a unique violation on a duplicate key', async () => {
    const { failure } = await insertedTwice('dup.key');
    expect(isUniqueViolation(failure)).toBe(true);
  });

  it('keeps the first row when a duplicate key is refused', async () => {
    const { store } = await insertedTwice('dup.kept');
    const rows = await store.db.selectFrom('settings').selectAll().where('key', '=', 'dup.kept').execute();
    expect(rows).toEqual([{ key: 'dup.kept', value: 'first', updated_at: 1 }]);
  });

  it('raises a unique violation on the composite (app_id, location_id) key of rate_limit_state', async () => {
    const store = getStore();
    const row = {
      app_id: 'app-1',
      location_id: 'loc-1',
      max: 100,
      remaining: 99,
      interval_ms: 10_000,
      daily_limit: 200_000,
      daily_remaining: 199_999,
      window_started_at: 1_767_225_600_000,
      updated_at: 1_767_225_600_000,
    };
    await store.db.insertInto('rate_limit_state').values(row).execute();
    // Same app, other location: a separate bucket (https://marketplace.gohighlevel.com/docs/other/rate-limits).
    await store.db
      .insertInto('rate_limit_state')
      .values({ ...row, location_id: 'loc-2' })
      .execute();

    const failure = await store.db
      .insertInto('rate_limit_state')
      .values({ ...row, remaining: 0 })
      .execute()
      .catch((error: unknown) => error);

    expect(isUniqueViolation(failure)).toBe(true);
    const kept = await store.db
      .selectFrom('rate_limit_state')
      .select(['location_id', 'remaining'])
      .where('app_id', '=', 'app-1')
      .orderBy('location_id')
      .execute();
    expect(kept).toEqual([
      { location_id: 'loc-1', remaining: 99 },
      { location_id: 'loc-2', remaining: 99 },
    ]);
  });

  it('does not mistake other failures for unique violations', async () => {
    const failure = await getStore()
      .db.insertInto('settings')
      .values({ key: 'null.value', value: null as unknown as string, updated_at: 1 })
      .execute()
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect(isUniqueViolation(failure)).toBe(false);
  });

  it('reads bigint values above 2^32 back as JS numbers, whether a column or a count', async () => {
    const store = getStore();
    const at = 2 ** 40 + 12_345; // past 2^32, like every epoch-ms timestamp since 1970-02-19
    await store.db
      .insertInto('highlevel_calls')
      .values({
        id: 'call-big',
        at,
        actor: 'cli',
        operation_id: 'get-conversation',
        attempt: 1,
        duration_ms: 42,
      })
      .execute();

    const row = await store.db
      .selectFrom('highlevel_calls')
      .selectAll()
      .where('id', '=', 'call-big')
      .executeTakeFirst();
    expect(row).toEqual({
      id: 'call-big',
      at,
      actor: 'cli',
      location_id: null,
      operation_id: 'get-conversation',
      scope: null,
      status: null,
      error_code: null,
      attempt: 1,
      duration_ms: 42,
    });
    expect(typeof row?.at).toBe('number');

    const count = await store.db
      .selectFrom('highlevel_calls')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('at', '>', 2 ** 32)
      .executeTakeFirstOrThrow();
    expect(count.n).toBe(1);
  });
});
