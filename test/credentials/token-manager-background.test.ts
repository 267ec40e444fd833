import { afterEach, beforeEach, expect, it } from 'vitest';
import { ConnectionError } from '../../src/credentials/connection-error.js';
import type { ConnectionRecords } from '../../src/credentials/connection-repository.js';
import type { Store } from '../../src/store/open-database.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { type SandboxHandle, withSandbox } from '../helpers/sandbox.js';
import { openConnectionStack } from './fixtures/open-connections.js';
import { saveAgencyGrant, saveLocationGrant, searchStatus } from './fixtures/sandbox-connections.js';

const MARGIN_MS = 60_000;

/** A location token minted from the agency token, saved as expiring inside the margin. */
async function saveLocationToken(repository: ConnectionRecords, handle: SandboxHandle, parentId: string) {
  const locationId = handle.sandbox.defaultLocationId;
  return repository.save({
    provider: 'highlevel',
    kind: 'location_token',
    accountKey: `location:${locationId}`,
    label: 'minted',
    userType: 'Location',
    locationId,
    companyId: handle.sandbox.companyId,
    parentId,
    scopes: ['conversations.readonly'],
    expiresAt: Date.now() + 5_000,
    secrets: { accessToken: 'expired-location-token-0123456789' },
  });
}

/** Polls a condition the refresher will make true; bounded, so a broken refresher fails the test. */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('condition not reached after 200 polls');
}

describeEachDatabase('token manager: background refresh and location tokens', (getStore: () => Store) => {
  let handle: SandboxHandle;
  beforeEach(async () => {
    handle = await withSandbox();
    await getStore().db.deleteFrom('connections').execute();
  });
  afterEach(async () => {
    await handle.close();
  });

  /** Saves one connection inside the margin and one fresh, then runs refreshDue once. */
  async function refreshDueWithOneDue() {
    const stack = await openConnectionStack(getStore(), { baseUrl: handle.url, marginMs: MARGIN_MS });
    const due = await saveLocationGrant(stack.repository, handle.sandbox, { expiresAt: Date.now() + 10_000 });
    const fresh = await saveLocationGrant(stack.repository, handle.sandbox);
    const result = await stack.tokenManager.refreshDue();
    return { stack, due, fresh, result };
  }

  it('refreshDue refreshes the connection inside the margin', async () => {
    const { stack, due, result } = await refreshDueWithOneDue();
    expect(result).toEqual({ refreshed: 1, failed: 0 });
    expect((await stack.repository.get(due.connection.id))?.version).toBe(due.connection.version + 1);
    expect(handle.sandbox.stats.tokenGrants).toEqual({ refresh_token: 1 });
  });

  it('refreshDue leaves a fresh connection alone', async () => {
    const { stack, fresh } = await refreshDueWithOneDue();
    expect((await stack.repository.get(fresh.connection.id))?.version).toBe(fresh.connection.version);
    expect(await stack.tokenManager.refreshDue()).toEqual({ refreshed: 0, failed: 0 });
  });

  /** Saves two connections inside the margin, one marked needs_reconnect; every refresh call fails. */
  async function refreshDueWithOneReconnectAndOneFailing() {
    const stack = await openConnectionStack(getStore(), { baseUrl: handle.url, marginMs: MARGIN_MS });
    const dead = await saveLocationGrant(stack.repository, handle.sandbox, { expiresAt: Date.now() + 10_000 });
    await stack.repository.setStatus(dead.connection.id, 'needs_reconnect', 'revoked');
    await saveLocationGrant(stack.repository, handle.sandbox, { expiresAt: Date.now() + 10_000 });
    handle.sandbox.setFaults({ errorRate: 1 });
    return stack.tokenManager.refreshDue();
  }

  it('refreshDue skips connections that need a reconnect', async () => {
    await refreshDueWithOneReconnectAndOneFailing();
    expect(handle.sandbox.stats.faultsInjected.error).toBe(1);
  });

  it('refreshDue counts the connections whose refresh fails', async () => {
    expect(await refreshDueWithOneReconnectAndOneFailing()).toEqual({ refreshed: 0, failed: 1 });
  });

  it('the background refresher keeps an idle connection alive until stopped', async () => {
    const stack = await openConnectionStack(getStore(), { baseUrl: handle.url, marginMs: MARGIN_MS });
    const idle = await saveLocationGrant(stack.repository, handle.sandbox, { expiresAt: Date.now() + 10_000 });
    const stop = stack.tokenManager.startRefresher(20);
    try {
      await eventually(async () => (await stack.repository.get(idle.connection.id))!.version > idle.connection.version);
    } finally {
      stop();
    }
    const record = (await stack.repository.get(idle.connection.id))!;
    expect(record.expiresAt! - Date.now()).toBeGreaterThan(MARGIN_MS);
    expect(handle.sandbox.stats.tokenGrants).toEqual({ refresh_token: 1 });
  });

  it('renews a location token by minting it again with the agency token', async () => {
    const stack = await openConnectionStack(getStore(), { baseUrl: handle.url, marginMs: MARGIN_MS });
    const agency = await saveAgencyGrant(stack.repository, handle.sandbox);
    const location = await saveLocationToken(stack.repository, handle, agency.connection.id);
    const token = await stack.tokenManager.getAccessToken(location.id);
    expect(token).not.toBe('expired-location-token-0123456789');
    expect(await searchStatus(handle.url, token, handle.sandbox.defaultLocationId)).toBe(200);
    expect(handle.sandbox.stats.tokenGrants).toEqual({ location_token: 1 });
    const record = (await stack.repository.get(location.id))!;
    expect(record).toMatchObject({ kind: 'location_token', status: 'ok', version: location.version + 1 });
    expect(record.expiresAt! - Date.now()).toBeGreaterThan(MARGIN_MS);
    expect(await stack.repository.readSecrets(location.id)).toEqual({ accessToken: token });
  });

  it('refreshes a due agency token first, then mints the location token with the new one', async () => {
    const stack = await openConnectionStack(getStore(), { baseUrl: handle.url, marginMs: MARGIN_MS });
    const agency = await saveAgencyGrant(stack.repository, handle.sandbox, { expiresAt: Date.now() + 10_000 });
    const location = await saveLocationToken(stack.repository, handle, agency.connection.id);
    expect(await stack.tokenManager.refreshDue()).toEqual({ refreshed: 2, failed: 0 });
    expect(handle.sandbox.stats.tokenGrants).toEqual({ refresh_token: 1, location_token: 1 });
    expect((await stack.repository.get(agency.connection.id))?.version).toBe(agency.connection.version + 1);
    expect((await stack.repository.get(location.id))?.version).toBe(location.version + 1);
  });

  it('names the agency connection when it needs a reconnect, leaving the location token connection ok', async () => {
    const stack = await openConnectionStack(getStore(), { baseUrl: handle.url, marginMs: MARGIN_MS });
    const agency = await saveAgencyGrant(stack.repository, handle.sandbox);
    await stack.repository.setStatus(agency.connection.id, 'needs_reconnect', 'revoked in the test');
    const location = await saveLocationToken(stack.repository, handle, agency.connection.id);
    const error = await stack.tokenManager.getAccessToken(location.id).then(
      () => null,
      (e: unknown) => e as ConnectionError,
    );
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error?.code).toBe('needs_reconnect');
    expect(error?.message).toContain(agency.connection.id);
    expect((await stack.repository.get(location.id))?.status).toBe('ok');
    expect(handle.sandbox.stats.tokenGrants).toEqual({});
  });
});
