/**
 * The token source's short reuse of a location's token (src/credentials/token-manager.ts): the
 * HighLevel client asks before every call, and each ask used to read and decrypt the row. A fake
 * clock drives the reuse window; the sandbox's token endpoint counts refreshes.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { ConnectionError } from '../../src/credentials/connection-error.js';
import type { Store } from '../../src/store/open-database.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { type SandboxHandle, withSandbox } from '../helpers/sandbox.js';
import { openConnectionStack } from './fixtures/open-connections.js';
import { saveLocationGrant } from './fixtures/sandbox-connections.js';

const MARGIN_MS = 60_000;

describeEachDatabase('token source: reusing a fresh token', (getStore: () => Store) => {
  let handle: SandboxHandle;
  let clock: number;
  const now = () => clock;
  beforeEach(async () => {
    handle = await withSandbox();
    clock = Date.now();
    await getStore().db.deleteFrom('connections').execute();
  });
  afterEach(async () => {
    await handle.close();
  });

  it('reuses a location token for 5 s without reading the connection, then reads it again', async () => {
    const stack = await openConnectionStack(getStore(), { baseUrl: handle.url, marginMs: MARGIN_MS, now });
    const saved = await saveLocationGrant(stack.repository, handle.sandbox);
    const source = stack.tokenManager.tokenSource();
    const ask = () => source.getAccessToken({ locationId: saved.locationId, forceRefresh: false });
    expect(await ask()).toBe(saved.accessToken);
    await getStore().db.deleteFrom('connections').execute();
    clock += 4_999;
    expect(await ask()).toBe(saved.accessToken);
    clock += 2;
    const error = (await ask().catch((e: unknown) => e)) as ConnectionError;
    expect(error.code).toBe('no_connection');
  });

  it('does not reuse a token past the point where it needs refreshing', async () => {
    const stack = await openConnectionStack(getStore(), { baseUrl: handle.url, marginMs: MARGIN_MS, now });
    const saved = await saveLocationGrant(stack.repository, handle.sandbox, { expiresAt: clock + MARGIN_MS + 1_000 });
    const source = stack.tokenManager.tokenSource();
    const ask = () => source.getAccessToken({ locationId: saved.locationId, forceRefresh: false });
    expect(await ask()).toBe(saved.accessToken);
    clock += 1_500;
    const refreshed = await ask();
    expect(refreshed).not.toBe(saved.accessToken);
    expect(handle.sandbox.stats.tokenGrants).toEqual({ refresh_token: 1 });
  });

  it('drops the reused token on a forced refresh and reuses the new one after it', async () => {
    const stack = await openConnectionStack(getStore(), { baseUrl: handle.url, marginMs: MARGIN_MS, now });
    const saved = await saveLocationGrant(stack.repository, handle.sandbox);
    const source = stack.tokenManager.tokenSource();
    expect(await source.getAccessToken({ locationId: saved.locationId, forceRefresh: false })).toBe(saved.accessToken);
    const forced = await source.getAccessToken({ locationId: saved.locationId, forceRefresh: true });
    expect(forced).not.toBe(saved.accessToken);
    expect(await source.getAccessToken({ locationId: saved.locationId, forceRefresh: false })).toBe(forced);
    expect(handle.sandbox.stats.tokenGrants).toEqual({ refresh_token: 1 });
  });
});
