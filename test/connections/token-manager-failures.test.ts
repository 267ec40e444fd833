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

  it('marks a revoked grant needs_reconnect with the reason, and never calls HighLevel for it again', async () => {
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

    const again = await caught(stack.tokenManager.getAccessToken(saved.connection.id, { forceRefresh: true }));
    expect(again.code).toBe('needs_reconnect');
    expect(handle.sandbox.stats.tokenGrantsRejected).toEqual({ refresh_token: 1 });
    expect(handle.sandbox.stats.tokenGrants).toEqual({ refresh_token: 1 });
    expect((await stack.repository.get(saved.connection.id))?.refreshFailuresToday).toBe(1);
  });

  it('leaves the connection ok with its old tokens when the token endpoint answers 5xx, and recovers after', async () => {
    const stack = await stackWithClock();
    const saved = await saveLocationGrant(stack.repository, handle.sandbox, { expiresAt: clock + 10_000 });
    handle.sandbox.setFaults({ errorRate: 1 });
    const error = await caught(stack.tokenManager.getAccessToken(saved.connection.id));
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

    handle.sandbox.setFaults({ errorRate: 0 });
    const token = await stack.tokenManager.getAccessToken(saved.connection.id);
    expect(token).not.toBe(saved.accessToken);
    expect(await stack.repository.get(saved.connection.id)).toMatchObject({ status: 'ok', refreshFailuresToday: 0 });
  });

  it('counts one failure per failing refresh, and starts again at one on a new UTC day', async () => {
    const stack = await stackWithClock();
    const saved = await saveLocationGrant(stack.repository, handle.sandbox, { expiresAt: clock + 10_000 });
    handle.sandbox.setFaults({ errorRate: 1 });
    await caught(stack.tokenManager.getAccessToken(saved.connection.id));
    await caught(stack.tokenManager.getAccessToken(saved.connection.id));
    expect((await stack.repository.get(saved.connection.id))?.refreshFailuresToday).toBe(2);

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
