import { afterEach, describe, expect, it } from 'vitest';
import { echoHandlers, readJson, type SandboxHandle, withSandbox } from '../helpers/sandbox.js';

const VERSION = '2021-04-15';
const RATE_HEADERS = [
  'x-ratelimit-limit-daily',
  'x-ratelimit-daily-remaining',
  'x-ratelimit-interval-milliseconds',
  'x-ratelimit-max',
  'x-ratelimit-remaining',
];

let handle: SandboxHandle;
let clock = Date.UTC(2026, 0, 5, 12);

afterEach(async () => {
  await handle?.close();
});

async function start() {
  clock = Date.UTC(2026, 0, 5, 12);
  handle = await withSandbox({ handlers: echoHandlers(), now: () => clock });
  return handle;
}

function search(token: string | null, headers: Record<string, string> = { version: VERSION }) {
  const auth: Record<string, string> = token === null ? {} : { authorization: `Bearer ${token}` };
  return fetch(`${handle.url}/conversations/search?locationId=${handle.sandbox.defaultLocationId}`, {
    headers: { ...auth, ...headers },
  });
}

describe('sandbox auth', () => {
  it('answers 401 "access token is invalid" with the configured rate-limit maxima when no token is sent', async () => {
    await start();
    const res = await search(null);
    expect(res.status).toBe(401);
    expect(await readJson(res)).toEqual({
      statusCode: 401,
      message: 'Invalid token: access token is invalid',
      error: 'Unauthorized',
    });
    for (const name of RATE_HEADERS) expect(res.headers.get(name), name).not.toBeNull();
    expect(res.headers.get('x-ratelimit-remaining')).toBe('100');
    expect(res.headers.get('x-ratelimit-daily-remaining')).toBe('200000');
  });

  it('answers 401 for an unknown token', async () => {
    await start();
    const res = await search('sbx_at_not-a-real-token');
    expect(res.status).toBe(401);
    expect((await readJson(res)).message).toBe('Invalid token: access token is invalid');
  });

  it('answers 401 "access token has expired" once the clock passes the token TTL', async () => {
    await start();
    const { accessToken, expiresIn } = handle.sandbox.issueToken({ ttlSeconds: 60 });
    expect(expiresIn).toBe(60);
    expect((await search(accessToken)).status).toBe(200);
    clock += 60_000;
    const res = await search(accessToken);
    expect(res.status).toBe(401);
    expect(await readJson(res)).toEqual({
      statusCode: 401,
      message: 'Invalid token: access token has expired',
      error: 'Unauthorized',
    });
  });

  it('issues a Private Integration Token without a refresh token or an expiry', async () => {
    await start();
    const pit = handle.sandbox.issueToken({ kind: 'pit' });
    expect(pit.accessToken.startsWith('sbx_pit_')).toBe(true);
    expect(pit.refreshToken).toBeUndefined();
    expect(pit.expiresIn).toBeUndefined();
  });

  it('accepts a Private Integration Token long after any OAuth token would expire', async () => {
    await start();
    const pit = handle.sandbox.issueToken({ kind: 'pit' });
    clock += 400 * 24 * 3600_000;
    expect((await search(pit.accessToken)).status).toBe(200);
  });

  it('answers 403 naming the missing scope, with rate-limit headers', async () => {
    await start();
    const { accessToken } = handle.sandbox.issueToken({ scopes: ['conversations/message.readonly'] });
    const res = await search(accessToken);
    expect(res.status).toBe(403);
    expect(await readJson(res)).toEqual({
      statusCode: 403,
      message: 'The token is not authorized for this scope. Missing scope: conversations.readonly',
      error: 'Forbidden',
    });
    for (const name of RATE_HEADERS) expect(res.headers.get(name), name).not.toBeNull();
  });

  it('answers 403 requiring a Sub-Account token when an Agency token calls a location route', async () => {
    await start();
    const { accessToken } = handle.sandbox.issueToken({
      userType: 'Company',
      scopes: ['conversations.readonly', 'oauth.readonly'],
    });
    const res = await search(accessToken);
    expect(res.status).toBe(403);
    const body = await readJson(res);
    expect(body.error).toBe('Forbidden');
    expect(body.message).toContain('Sub-Account');
  });

  it('hands the handler the principal of the token', async () => {
    await start();
    const { accessToken, scopes } = handle.sandbox.issueToken();
    const res = await search(accessToken);
    expect(res.status).toBe(200);
    const body = await readJson(res);
    expect(body.principal).toEqual({
      appId: 'sandbox',
      userType: 'Location',
      locationId: handle.sandbox.defaultLocationId,
      companyId: handle.sandbox.companyId,
      scopes,
    });
  });
});

describe('sandbox Version header', () => {
  it('answers 400 naming the spec value when Version is missing', async () => {
    await start();
    const { accessToken } = handle.sandbox.issueToken();
    const res = await search(accessToken, {});
    expect(res.status).toBe(400);
    expect(await readJson(res)).toEqual({
      statusCode: 400,
      message: 'Version header is required: expected "2021-04-15"',
    });
    for (const name of RATE_HEADERS) expect(res.headers.get(name), name).not.toBeNull();
  });

  it('answers 400 listing the supported versions when Version is one HighLevel does not document', async () => {
    await start();
    const { accessToken } = handle.sandbox.issueToken();
    for (const version of ['2022-01-01', 'v2', '2021-4-15']) {
      const res = await search(accessToken, { version });
      expect(res.status, version).toBe(400);
      expect((await readJson(res)).message, version).toBe(
        `Version header "${version}" is not a supported API version: expected one of 2021-04-15, 2021-07-28, 2023-02-21, v3, legacy ("2021-04-15" for this operation)`,
      );
    }
  });

  it('accepts every version HighLevel lists as supported, including the SDK default 2023-02-21', async () => {
    await start();
    const { accessToken } = handle.sandbox.issueToken();
    for (const version of ['2021-04-15', '2021-07-28', '2023-02-21', 'v3', 'legacy']) {
      const res = await search(accessToken, { version });
      expect(res.status, version).toBe(200);
    }
  });

  it('accepts no Version header on the two operations whose spec declares none (get-email-by-id, cancel-scheduled-email-message)', async () => {
    await start();
    const { accessToken } = handle.sandbox.issueToken();
    const authorization = `Bearer ${accessToken}`;
    const email = await fetch(`${handle.url}/conversations/messages/email/em1`, { headers: { authorization } });
    expect(email.status).toBe(200);
    expect((await readJson(email)).operationId).toBe('get-email-by-id');
    const cancel = await fetch(`${handle.url}/conversations/messages/email/em1/schedule`, {
      method: 'DELETE',
      headers: { authorization },
    });
    expect(cancel.status).toBe(200);
    expect((await readJson(cancel)).operationId).toBe('cancel-scheduled-email-message');
  });
});
