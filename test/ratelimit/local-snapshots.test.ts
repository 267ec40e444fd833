/**
 * `mode: 'local'` keeps buckets in memory but copies them to `rate_limit_state` now and then, so the
 * console can show budgets without asking the process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/lib/create-logger.js';
import { createRateScheduler } from '../../src/ratelimit/create-rate-scheduler.js';
import { openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { type SandboxHandle, withSandbox } from '../helpers/sandbox.js';
import { pacedClient, search } from './paced-client.js';

let database: TestDatabase;
let handle: SandboxHandle;

beforeAll(async () => {
  database = await openTestDatabase('sqlite');
  handle = await withSandbox({ burstLimit: 30, burstIntervalMs: 2_000 });
});
afterAll(async () => {
  await handle?.close();
  await database?.dispose();
});

describe('local rate scheduler snapshots', () => {
  it('writes the bucket the headers describe to rate_limit_state, and no more often than snapshotEveryMs', async () => {
    let clock = Date.UTC(2026, 0, 15, 12);
    const scheduler = createRateScheduler({
      mode: 'local',
      store: database.store,
      now: () => clock,
      logger: createLogger({ level: 'silent' }),
    });
    const paced = pacedClient(handle, scheduler);
    const location = handle.sandbox.defaultLocationId;
    const row = () => database.store.db.selectFrom('rate_limit_state').selectAll().executeTakeFirst();

    await search(paced, location);
    expect(await row()).toMatchObject({ location_id: location, max: 30, remaining: 29, interval_ms: 2_000 });
    await search(paced, location);
    clock += 4_999;
    await search(paced, location);
    expect((await row())?.remaining).toBe(29);
    clock += 1;
    await search(paced, location);
    expect(await row()).toMatchObject({ remaining: 26, daily_remaining: 200_000 - 4 });
  });
});
