import { afterEach, beforeEach, expect, it } from 'vitest';
import { ConnectionError } from '../../src/credentials/connection-error.js';
import { createLogger } from '../../src/lib/create-logger.js';
import type { Store } from '../../src/store/open-database.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { type SandboxHandle, withSandbox } from '../helpers/sandbox.js';
import { openConnectionStack } from './fixtures/open-connections.js';
import { saveLocationGrant, searchStatus } from './fixtures/sandbox-connections.js';

const MARGIN_MS = 60_000;
/** Saved as expiring within the margin (the sandbox would accept it for a day): due for refresh. */
const dueSoon = () => ({ expiresAt: Date.now() + 10_000 });

async function caught(promise: Promise<unknown>): Promise<ConnectionError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectionError);
  return error as ConnectionError;
}

describeEachDatabase('token manager: refresh', (getStore: () => Store) => {
  let handle: SandboxHandle;
  beforeEach(async () => {
    handle = await withSandbox();
    await getStore().db.deleteFrom('connections').execute();
  });
  afterEach(async () => {
    await handle.close();
  });

  it('returns the stored token without calling HighLevel while it is fresh beyond the margin', async () => {
    const stack = await openConnectionStack(getStore(), { baseUrl: handle.url, marginMs: MARGIN_MS });
    const saved = await saveLocationGrant(stack.repository, handle.sandbox);
    expect(await stack.tokenManager.getAccessToken(saved.connection.id)).toBe(saved.accessToken);
    expect(handle.sandbox.stats.tokenGrants).toEqual({});
    expect((await stack.repository.get(saved.connection.id))?.version).toBe(saved.connection.version);
  });

  it('stores the rotated pair of a token refreshed inside the margin before handing it out', async () => {
    const stack = await openConnectionStack(getStore(), { baseUrl: handle.url, marginMs: MARGIN_MS });
    const saved = await saveLocationGrant(stack.repository, handle.sandbox, dueSoon());
    const before = Date.now();
    const token = await stack.tokenManager.getAccessToken(saved.connection.id);
    expect(token).not.toBe(saved.accessToken);
    const stored = await stack.repository.readSecrets(saved.connection.id);
    expect(stored.accessToken).toBe(token);
    expect(stored.refreshToken).not.toBe(saved.refreshToken);
    const record = (await stack.repository.get(saved.connection.id))!;
    expect(record.version).toBe(saved.connection.version + 1);
    expect(record.lastRefreshAt).toBeGreaterThanOrEqual(before);
    expect(record.expiresAt).toBeGreaterThan(before + 86_000_000);
    expect(record.status).toBe('ok');
    expect(await searchStatus(handle.url, token, saved.locationId)).toBe(200);
    expect(handle.sandbox.stats.tokenGrants).toEqual({ refresh_token: 1 });
  });

  it('makes one refresh for 10 concurrent callers, who all get the same new token', async () => {
    const stack = await openConnectionStack(getStore(), { baseUrl: handle.url, marginMs: MARGIN_MS });
    const saved = await saveLocationGrant(stack.repository, handle.sandbox, dueSoon());
    const tokens = await Promise.all(
      Array.from({ length: 10 }, () => stack.tokenManager.getAccessToken(saved.connection.id)),
    );
    expect(new Set(tokens).size).toBe(1);
    expect(handle.sandbox.stats.tokenGrants).toEqual({ refresh_token: 1 });
    expect(handle.sandbox.stats.tokenGrantsRejected).toEqual({});
  });

  it('refreshes once for 10 concurrent forced callers after a 401, even though the token looked fresh', async () => {
    const stack = await openConnectionStack(getStore(), { baseUrl: handle.url, marginMs: MARGIN_MS });
    const saved = await saveLocationGrant(stack.repository, handle.sandbox);
    const tokens = await Promise.all(
      Array.from({ length: 10 }, () => stack.tokenManager.getAccessToken(saved.connection.id, { forceRefresh: true })),
    );
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]).not.toBe(saved.accessToken);
    expect(handle.sandbox.stats.tokenGrants).toEqual({ refresh_token: 1 });
  });

  it('lets a second manager (another process) use the token the first one refreshed, without a token call', async () => {
    const first = await openConnectionStack(getStore(), { baseUrl: handle.url, marginMs: MARGIN_MS });
    const second = await openConnectionStack(getStore(), { baseUrl: handle.url, marginMs: MARGIN_MS });
    const saved = await saveLocationGrant(first.repository, handle.sandbox);
    const refreshed = await first.tokenManager.getAccessToken(saved.connection.id, { forceRefresh: true });
    expect(await second.tokenManager.getAccessToken(saved.connection.id)).toBe(refreshed);
    expect(handle.sandbox.stats.tokenGrants).toEqual({ refresh_token: 1 });
  });

  it('stores the refreshed pair even when the vault must read its key table during the refresh', async () => {
    // activeKeyCacheMs 0: every encrypt reads vault_keys, which on SQLite waits for the refresh
    // transaction's connection; the manager must neither hang nor lose the rotated refresh token.
    const stack = await openConnectionStack(getStore(), {
      baseUrl: handle.url,
      marginMs: MARGIN_MS,
      activeKeyCacheMs: 0,
    });
    const saved = await saveLocationGrant(stack.repository, handle.sandbox, dueSoon());
    const token = await stack.tokenManager.getAccessToken(saved.connection.id);
    expect((await stack.repository.readSecrets(saved.connection.id)).accessToken).toBe(token);
    const again = await stack.tokenManager.getAccessToken(saved.connection.id, { forceRefresh: true });
    expect(again).not.toBe(token);
    expect(handle.sandbox.stats.tokenGrants).toEqual({ refresh_token: 2 });
    expect(handle.sandbox.stats.tokenGrantsRejected).toEqual({});
  });

  it('never refreshes a Private Integration Token, even when forced', async () => {
    const stack = await openConnectionStack(getStore(), { baseUrl: handle.url, marginMs: MARGIN_MS });
    const pit = handle.sandbox.issueToken({ kind: 'pit' });
    const saved = await stack.repository.save({
      provider: 'highlevel',
      kind: 'pit',
      accountKey: `location:${handle.sandbox.defaultLocationId}`,
      label: 'pit',
      userType: 'Location',
      locationId: handle.sandbox.defaultLocationId,
      scopes: pit.scopes,
      expiresAt: null,
      secrets: { accessToken: pit.accessToken },
    });
    expect(await stack.tokenManager.getAccessToken(saved.id, { forceRefresh: true })).toBe(pit.accessToken);
    expect(handle.sandbox.stats.tokenGrants).toEqual({});
  });

  it('gives the HighLevel client the token of the location it calls for', async () => {
    const stack = await openConnectionStack(getStore(), { baseUrl: handle.url, marginMs: MARGIN_MS });
    const saved = await saveLocationGrant(stack.repository, handle.sandbox);
    const source = stack.tokenManager.tokenSource();
    expect(await source.getAccessToken({ locationId: saved.locationId, forceRefresh: false })).toBe(saved.accessToken);
    // A call without a location (e.g. get-conversation by id) uses the only connected location.
    expect(await source.getAccessToken({ locationId: null, forceRefresh: false })).toBe(saved.accessToken);
  });

  it('answers no_connection for a location without one, naming the command that fixes it', async () => {
    const stack = await openConnectionStack(getStore(), { baseUrl: handle.url, marginMs: MARGIN_MS });
    const error = await caught(
      stack.tokenManager.tokenSource().getAccessToken({ locationId: 'LocMissing', forceRefresh: false }),
    );
    expect(error.code).toBe('no_connection');
    expect(error.message).toContain('location LocMissing');
    expect(error.message).toContain('parley connect highlevel');
  });

  it('answers not_found for an unknown id', async () => {
    const stack = await openConnectionStack(getStore(), { baseUrl: handle.url, marginMs: MARGIN_MS });
    expect((await caught(stack.tokenManager.getAccessToken('conn_missing'))).code).toBe('not_found');
  });

  it('answers wrong_kind for an Accelevents key, without showing it', async () => {
    const stack = await openConnectionStack(getStore(), { baseUrl: handle.url, marginMs: MARGIN_MS });
    const key = await stack.repository.save({
      provider: 'accelevents',
      kind: 'api_key',
      accountKey: 'accelevents:https://api.example.test',
      label: 'ae',
      scopes: [],
      secrets: { apiKey: 'ae-key-0123456789' },
    });
    const error = await caught(stack.tokenManager.getAccessToken(key.id));
    expect(error.code).toBe('wrong_kind');
    expect(error.message).not.toContain('ae-key-0123456789');
  });

  /** Refreshes a due token, then fails a forced refresh, logging at debug; answers the lines and the tokens. */
  async function refreshThenFailLogged() {
    const lines: string[] = [];
    const logger = createLogger({ level: 'debug', destination: { write: (line: string) => lines.push(line) } });
    const stack = await openConnectionStack(getStore(), { baseUrl: handle.url, marginMs: MARGIN_MS, logger });
    const saved = await saveLocationGrant(stack.repository, handle.sandbox, dueSoon());
    const token = await stack.tokenManager.getAccessToken(saved.connection.id);
    const { refreshToken } = await stack.repository.readSecrets(saved.connection.id);
    handle.sandbox.setFaults({ errorRate: 1 });
    await caught(stack.tokenManager.getAccessToken(saved.connection.id, { forceRefresh: true }));
    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    return { lines, logged, saved, token, refreshToken };
  }

  it('logs each refresh, timed, under its connection id', async () => {
    const { logged, saved } = await refreshThenFailLogged();
    expect(logged).toContainEqual(
      expect.objectContaining({
        connectionId: saved.connection.id,
        outcome: 'refreshed',
        durationMs: expect.any(Number),
      }),
    );
  });

  it('logs a failed refresh with its error code under the connection id', async () => {
    const { logged, saved } = await refreshThenFailLogged();
    expect(logged).toContainEqual(
      expect.objectContaining({ connectionId: saved.connection.id, outcome: 'failed', code: 'refresh_failed' }),
    );
  });

  it('never logs a token', async () => {
    const { lines, saved, token, refreshToken } = await refreshThenFailLogged();
    const text = lines.join('');
    for (const secret of [saved.accessToken, saved.refreshToken, token, refreshToken!, 'sandbox-client-secret']) {
      expect(text).not.toContain(secret);
    }
  });
});
