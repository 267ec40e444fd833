/**
 * `mode: 'local'` keeps buckets in memory but copies them to `rate_limit_state` now and then, so the
 * console can show budgets without asking the process.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/lib/create-logger.js';
import { createRateScheduler } from '../../src/ratelimit/create-rate-scheduler.js';
import { openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { type SandboxHandle, withSandbox } from '../helpers/sandbox.js';
import { pacedClient, search } from './paced-client.js';

let database: TestDatabase;
let handle: SandboxHandle;

// Fresh per test: each reads the sandbox's budget from a known start and the snapshot row from empty.
beforeEach(async () => {
  database = await openTestDatabase('sqlite');
  handle = await withSandbox({ burstLimit: 30, burstIntervalMs: 2_000 });
});
afterEach(async () => {
  await handle?.close();
  await database?.dispose();
});

describe('local rate scheduler snapshots', () => {
  /** A local scheduler on a clock the test moves, snapshotting to the database. */
  function snapshotting() {
    const clock = { now: Date.UTC(2026, 0, 15, 12) };
    const scheduler = createRateScheduler({
      mode: 'local',
      store: database.store,
      now: () => clock.now,
      logger: createLogger({ level: 'silent' }),
    });
    const paced = pacedClient(handle, scheduler);
    const location = handle.sandbox.defaultLocationId;
    const row = () => database.store.db.selectFrom('rate_limit_state').selectAll().executeTakeFirst();
    return { clock, paced, location, row };
  }

  it('writes the bucket the headers describe to rate_limit_state', async () => {
    const { paced, location, row } = snapshotting();
    await search(paced, location);
    expect(await row()).toMatchObject({ location_id: location, max: 30, remaining: 29, interval_ms: 2_000 });
  });

  it('writes the snapshot no more often than snapshotEveryMs', async () => {
    const { clock, paced, location, row } = snapshotting();
    await search(paced, location);
    await search(paced, location);
    clock.now += 4_999;
    await search(paced, location);
    expect((await row())?.remaining).toBe(29);
    clock.now += 1;
    await search(paced, location);
    expect(await row()).toMatchObject({ remaining: 26, daily_remaining: 200_000 - 4 });
  });
});
