import { afterEach, beforeEach, expect, it } from 'vitest';
import { ConnectionError } from '../../src/credentials/connection-error.js';
import { createConnectionRepository } from '../../src/credentials/connection-repository.js';
import { createTokenManager } from '../../src/credentials/token-manager.js';
import { createHighLevelTokenClient } from '../../src/highlevel/oauth/token-client.js';
import { createLogger } from '../../src/lib/create-logger.js';
import type { Store } from '../../src/store/open-database.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { type SandboxHandle, withSandbox } from '../helpers/sandbox.js';
import { openConnectionStack } from './fixtures/open-connections.js';
import { saveLocationGrant } from './fixtures/sandbox-connections.js';

const MARGIN_MS = 60_000;
const DAY_MS = 86_400_000;

async function caught(promise: Promise<unknown>): Promise<ConnectionError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectionError);
  return error as ConnectionError;
}

describeEachDatabase('token manager: failures', (getStore: () => Store) => {
  let handle: SandboxHandle;
  let clock: number;
  beforeEach(async () => {
    handle = await withSandbox();
    clock = Date.UTC(2026, 2, 10, 9);
    await getStore().db.deleteFrom('connections').execute();
  });
  afterEach(async () => {
    await handle.close();
  });

  const stackWithClock = () =>
    openConnectionStack(getStore(), { baseUrl: handle.url, marginMs: MARGIN_MS, now: () => clock });

  /** Saves a grant inside the margin whose refresh token someone else spends; asks for its access token. */
  async function askForRevokedGrant() {
    const stack = await stackWithClock();
    const saved = await saveLocationGrant(stack.repository, handle.sandbox, { expiresAt: clock + 10_000 });
    // Revoke out of band: someone else spends the stored single-use refresh token.
    const outside = createHighLevelTokenClient({
      baseUrl: handle.url,
      clientId: handle.sandbox.clientId,
      clientSecret: handle.sandbox.clientSecret,
    });
    await outside.refresh({ refreshToken: saved.refreshToken, userType: 'Location' });

    const error = await caught(stack.tokenManager.getAccessToken(saved.connection.id));
    return { stack, saved, error };
  }

  it('marks a revoked grant needs_reconnect with the reason', async () => {
    const { stack, saved, error } = await askForRevokedGrant();
    expect(error.code).toBe('needs_reconnect');
    expect(error.message).toContain(
      'HighLevel rejected the refresh token (invalid_grant): reconnect with `parley connect highlevel`',
    );
    expect(error.message).not.toContain(saved.refreshToken);
    const record = (await stack.repository.get(saved.connection.id))!;
    expect(record).toMatchObject({
      status: 'needs_reconnect',
      statusReason: 'HighLevel rejected the refresh token (invalid_grant): reconnect with `parley connect highlevel`',
      refreshFailuresToday: 1,
      version: saved.connection.version,
    });
    expect(handle.sandbox.stats.tokenGrantsRejected).toEqual({ refresh_token: 1 });
  });

  it('never calls HighLevel again for a grant marked needs_reconnect', async () => {
    const { stack, saved } = await askForRevokedGrant();
    const again = await caught(stack.tokenManager.getAccessToken(saved.connection.id, { forceRefresh: true }));
    expect(again.code).toBe('needs_reconnect');
    expect(handle.sandbox.stats.tokenGrantsRejected).toEqual({ refresh_token: 1 });
    expect(handle.sandbox.stats.tokenGrants).toEqual({ refresh_token: 1 });
    expect((await stack.repository.get(saved.connection.id))?.refreshFailuresToday).toBe(1);
  });

  /** Saves a grant inside the margin and asks for its access token while the token endpoint answers 5xx. */
  async function askWhileTokenEndpointFails() {
    const stack = await stackWithClock();
    const saved = await saveLocationGrant(stack.repository, handle.sandbox, { expiresAt: clock + 10_000 });
    handle.sandbox.setFaults({ errorRate: 1 });
    const error = await caught(stack.tokenManager.getAccessToken(saved.connection.id));
    return { stack, saved, error };
  }

  it('leaves the connection ok with its old tokens when the token endpoint answers 5xx', async () => {
    const { stack, saved, error } = await askWhileTokenEndpointFails();
    expect(error.code).toBe('refresh_failed');
    expect(error.message).toContain('server_error');
    expect(await stack.repository.readSecrets(saved.connection.id)).toEqual({
      accessToken: saved.accessToken,
      refreshToken: saved.refreshToken,
    });
    expect(await stack.repository.get(saved.connection.id)).toMatchObject({
      status: 'ok',
      version: saved.connection.version,
      refreshFailuresToday: 1,
    });
  });

  it('recovers once the token endpoint answers again', async () => {
    const { stack, saved } = await askWhileTokenEndpointFails();
    handle.sandbox.setFaults({ errorRate: 0 });
    const token = await stack.tokenManager.getAccessToken(saved.connection.id);
    expect(token).not.toBe(saved.accessToken);
    expect(await stack.repository.get(saved.connection.id)).toMatchObject({ status: 'ok', refreshFailuresToday: 0 });
  });

  /** Saves a grant inside the margin and fails its refresh twice. */
  async function failRefreshTwice() {
    const stack = await stackWithClock();
    const saved = await saveLocationGrant(stack.repository, handle.sandbox, { expiresAt: clock + 10_000 });
    handle.sandbox.setFaults({ errorRate: 1 });
    await caught(stack.tokenManager.getAccessToken(saved.connection.id));
    await caught(stack.tokenManager.getAccessToken(saved.connection.id));
    return { stack, saved };
  }

  it('counts one failure per failing refresh', async () => {
    const { stack, saved } = await failRefreshTwice();
    expect((await stack.repository.get(saved.connection.id))?.refreshFailuresToday).toBe(2);
  });

  it('starts the failure count again at one on a new UTC day', async () => {
    const { stack, saved } = await failRefreshTwice();
    clock += DAY_MS;
    // The count belongs to yesterday: today's view starts at zero before any new failure.
    expect((await stack.repository.get(saved.connection.id))?.refreshFailuresToday).toBe(0);
    await caught(stack.tokenManager.getAccessToken(saved.connection.id));
    expect((await stack.repository.get(saved.connection.id))?.refreshFailuresToday).toBe(1);
    expect(handle.sandbox.stats.faultsInjected.error).toBe(3);
  });

  it('keeps the connection ok when the client secret is wrong: a reconnect would not help', async () => {
    const store = getStore();
    const stack = await stackWithClock();
    const saved = await saveLocationGrant(stack.repository, handle.sandbox, { expiresAt: clock + 10_000 });
    const repository = createConnectionRepository({ db: store.db, vault: stack.vault, now: () => clock });
    const manager = createTokenManager({
      store,
      repository,
      tokenClient: createHighLevelTokenClient({
        baseUrl: handle.url,
        clientId: handle.sandbox.clientId,
        clientSecret: 'wrong-secret-0123456789',
      }),
      now: () => clock,
      marginMs: MARGIN_MS,
      logger: createLogger({ level: 'silent' }),
    });
    const error = await caught(manager.getAccessToken(saved.connection.id));
    expect(error.code).toBe('refresh_failed');
    expect(error.message).toContain('invalid_client');
    expect(error.message).not.toContain('wrong-secret-0123456789');
    expect(await repository.get(saved.connection.id)).toMatchObject({ status: 'ok', refreshFailuresToday: 1 });
    expect(await repository.readSecrets(saved.connection.id)).toEqual({
      accessToken: saved.accessToken,
      refreshToken: saved.refreshToken,
    });
  });
});
