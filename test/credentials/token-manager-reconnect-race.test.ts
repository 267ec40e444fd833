/**
 * invalid_grant while a reconnect lands: the refresh that holds the row lock marks the spent grant
 * dead, and the reconnect queued on that lock lands after it, so the fresh tokens are never
 * overwritten and the next call uses them.
 *
 * PostgreSQL only, because that is where the interleaving can be pinned down: the reconnect runs in
 * a second store (another process's pool) and its UPDATE waits on our refresh's row lock; the test
 * lets the refresh call HighLevel only once PostgreSQL shows that UPDATE waiting. (On SQLite the
 * reconnect would have to come from another process; the storm test covers that database.)
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnectionRepository } from '../../src/credentials/connection-repository.js';
import { createTokenManager } from '../../src/credentials/token-manager.js';
import { createHighLevelTokenClient } from '../../src/highlevel/oauth/token-client.js';
import type { HighLevelTokenClient } from '../../src/highlevel/oauth/token-client-types.js';
import { createLogger } from '../../src/lib/create-logger.js';
import { openDatabase, type Store } from '../../src/store/open-database.js';
import { openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { type SandboxHandle, withSandbox } from '../helpers/sandbox.js';
import { openConnectionStack } from './fixtures/open-connections.js';
import { saveLocationGrant } from './fixtures/sandbox-connections.js';

const silent = createLogger({ level: 'silent' });

/** Resolves once a statement on `connections` waits for a row lock; bounded so a broken lock fails. */
async function untilUpdateWaitsOnLock(store: Store): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from pg_stat_activity
      where wait_event_type = 'Lock' and query ilike 'update "connections"%'`.execute(store.db);
    if ((rows[0]?.n ?? 0) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('the reconnect never waited on the refresh lock');
}

describe('token manager: invalid_grant during a reconnect [postgres]', () => {
  let database: TestDatabase;
  let other: Store;
  let handle: SandboxHandle;
  beforeAll(async () => {
    database = await openTestDatabase('postgres');
    other = await openDatabase({ databaseUrl: database.location.databaseUrl!, logger: silent });
    handle = await withSandbox();
  });
  afterAll(async () => {
    await handle?.close();
    await other?.close();
    await database?.dispose();
  });

  it('applies a reconnect queued behind the refresh lock after the needs_reconnect mark, so its tokens win', async () => {
    const stack = await openConnectionStack(database.store, { baseUrl: handle.url });
    const saved = await saveLocationGrant(stack.repository, handle.sandbox, { expiresAt: Date.now() + 10_000 });
    const real = createHighLevelTokenClient({
      baseUrl: handle.url,
      clientId: handle.sandbox.clientId,
      clientSecret: handle.sandbox.clientSecret,
    });
    // The stored refresh token is spent elsewhere, so our refresh will get invalid_grant.
    await real.refresh({ refreshToken: saved.refreshToken, userType: 'Location' });

    const reconnectRepository = createConnectionRepository({ db: other.db, vault: stack.vault });
    const fresh = handle.sandbox.issueToken({ locationId: saved.locationId });
    let reconnect: Promise<unknown> = Promise.resolve();
    const tokenClient: HighLevelTokenClient = {
      ...real,
      async refresh(input) {
        // Inside our refresh transaction, holding the row lock: the user reconnects meanwhile.
        reconnect = reconnectRepository.save({
          provider: 'highlevel',
          kind: 'oauth',
          accountKey: saved.connection.accountKey,
          label: 'reconnected',
          userType: 'Location',
          locationId: saved.locationId,
          companyId: handle.sandbox.companyId,
          scopes: fresh.scopes,
          expiresAt: Date.now() + 86_000_000,
          secrets: { accessToken: fresh.accessToken, refreshToken: fresh.refreshToken! },
        });
        await untilUpdateWaitsOnLock(other);
        return real.refresh(input);
      },
    };
    const manager = createTokenManager({
      store: database.store,
      repository: stack.repository,
      tokenClient,
      marginMs: 60_000,
      logger: silent,
    });

    const failed = manager.getAccessToken(saved.connection.id);
    // Awaited in both outcomes, so a failing assertion never leaves the reconnect running.
    const [outcome] = await Promise.allSettled([failed, failed.finally(() => reconnect)]);
    await reconnect;
    expect(outcome.status).toBe('rejected');
    expect((outcome as PromiseRejectedResult).reason).toMatchObject({ code: 'needs_reconnect' });

    // The reconnect was serialised after the mark: it is what the row holds now.
    expect(await stack.repository.get(saved.connection.id)).toMatchObject({
      status: 'ok',
      label: 'reconnected',
      version: saved.connection.version + 1,
    });
    const grantsBefore = { ...handle.sandbox.stats.tokenGrantsRejected };
    expect(await manager.getAccessToken(saved.connection.id)).toBe(fresh.accessToken);
    expect(handle.sandbox.stats.tokenGrantsRejected).toEqual({ refresh_token: 1 });
    expect(grantsBefore).toEqual({ refresh_token: 1 });
  });
});
