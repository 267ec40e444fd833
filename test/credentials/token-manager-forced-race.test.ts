/**
 * Two forced refreshes (both callers got a 401) where the second caller's row read lands only after
 * the first refresh committed: that read sees a newer version than the token that failed, which says
 * nothing about whether its own token was replaced. The caller must take the finished refresh's token,
 * not refresh a second time. On a loaded machine this interleaving happens by itself; here the read is
 * held back by a gated connection (test/helpers/gated-store.ts) so it happens every run.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTokenManager } from '../../src/credentials/token-manager.js';
import { createHighLevelTokenClient } from '../../src/highlevel/oauth/token-client.js';
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { type GatedStore, openGatedStore } from '../helpers/gated-store.js';
import { type SandboxHandle, withSandbox } from '../helpers/sandbox.js';
import { openConnectionStack } from './fixtures/open-connections.js';
import { saveLocationGrant } from './fixtures/sandbox-connections.js';

for (const kind of DATABASE_KINDS) {
  describe(`token manager: a forced read that lands after another forced refresh [${kind}]`, () => {
    let database: TestDatabase;
    let gated: GatedStore;
    let handle: SandboxHandle;
    beforeAll(async () => {
      database = await openTestDatabase(kind);
      gated = openGatedStore(database);
    });
    afterAll(async () => {
      await gated?.store.close();
      await database?.dispose();
    });
    beforeEach(async () => {
      handle = await withSandbox();
    });
    afterEach(async () => {
      await handle.close();
    });

    async function setUp() {
      const stack = await openConnectionStack(database.store, { baseUrl: handle.url });
      const saved = await saveLocationGrant(stack.repository, handle.sandbox);
      const manager = createTokenManager({
        store: gated.store,
        repository: stack.repository,
        tokenClient: createHighLevelTokenClient({
          baseUrl: handle.url,
          clientId: handle.sandbox.clientId,
          clientSecret: handle.sandbox.clientSecret,
        }),
        marginMs: 60_000,
      });
      return { saved, manager };
    }

    it('gives the late caller the token of the refresh that finished, with one refresh in all', async () => {
      const { saved, manager } = await setUp();
      const gate = gated.holdNext();
      const late = manager.getAccessToken(saved.connection.id, { forceRefresh: true });
      await gate.reached; // the late caller's call has begun; its row read waits for a connection
      const early = await manager.getAccessToken(saved.connection.id, { forceRefresh: true });
      gate.release();
      expect(early).not.toBe(saved.accessToken);
      expect(await late).toBe(early);
      expect(handle.sandbox.stats.tokenGrants).toEqual({ refresh_token: 1 });
    });

    it('still refreshes for a forced call that begins after that refresh finished', async () => {
      const { saved, manager } = await setUp();
      const first = await manager.getAccessToken(saved.connection.id, { forceRefresh: true });
      const second = await manager.getAccessToken(saved.connection.id, { forceRefresh: true });
      expect(second).not.toBe(first);
      expect(handle.sandbox.stats.tokenGrants).toEqual({ refresh_token: 2 });
    });
  });
}
