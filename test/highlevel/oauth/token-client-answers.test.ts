import { afterEach, describe, expect, it } from 'vitest';
import { OAuthError } from '../../../src/highlevel/oauth/oauth-error.js';
import { createHighLevelTokenClient } from '../../../src/highlevel/oauth/token-client.js';
import { type ScriptedServer, startScriptedServer, unusedPort } from '../../helpers/scripted-server.js';

const REDIRECT = 'http://127.0.0.1:3000/oauth/highlevel/callback';
const SECRET = 'sandbox-client-secret';

/**
 * Answers the sandbox does not script (HighLevel-style 400s, 422, 429 with Retry-After, hangs,
 * resets), from a scripted server at the network boundary; the sandbox flows are in
 * token-client-sandbox.test.ts.
 */
let scripted: ScriptedServer | undefined;

afterEach(async () => {
  await scripted?.close();
  scripted = undefined;
});

async function caught(promise: Promise<unknown>): Promise<OAuthError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OAuthError);
  return error as OAuthError;
}

/** Everything an error can show: message, JSON, and its cause chain as text. */
function shownText(error: OAuthError): string {
  return [error.message, JSON.stringify(error), String(error.cause ?? ''), error.stack ?? ''].join('\n');
}

describe('token client against a scripted server', () => {
  async function scriptedClient(timeoutMs?: number) {
    scripted = await startScriptedServer();
    const client = createHighLevelTokenClient({
      baseUrl: `${scripted.url}/`,
      clientId: 'client-1',
      clientSecret: SECRET,
      ...(timeoutMs ? { timeoutMs } : {}),
    });
    return { server: scripted, client };
  }

  it('posts the refresh grant form-encoded, client credentials included', async () => {
    const { server, client } = await scriptedClient();
    server.enqueue({
      json: { access_token: 'at-1', refresh_token: 'rt-2', expires_in: 86399, scope: '', userType: 'Location' },
    });
    await client.refresh({ refreshToken: 'rt-1-very-secret', userType: 'Location' });
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/oauth/token');
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request?.headers.authorization).toBeUndefined();
    expect(Object.fromEntries(new URLSearchParams(request!.body.toString()))).toEqual({
      client_id: 'client-1',
      client_secret: SECRET,
      grant_type: 'refresh_token',
      refresh_token: 'rt-1-very-secret',
      user_type: 'Location',
    });
  });

  it('calls /oauth/locationToken with the agency bearer token at Version 2021-07-28', async () => {
    const { server, client } = await scriptedClient();
    server.enqueue({
      json: { access_token: 'loc-at', expires_in: 86399, scope: 'conversations.readonly', userId: 'u1' },
    });
    await client.locationToken({ agencyAccessToken: 'agency-token-1', companyId: 'c1', locationId: 'l1' });
    const [request] = server.requests;
    expect(request?.url).toBe('/oauth/locationToken');
    expect(request?.headers.authorization).toBe('Bearer agency-token-1');
    expect(request?.headers.version).toBe('2021-07-28');
    expect(Object.fromEntries(new URLSearchParams(request!.body.toString()))).toEqual({
      companyId: 'c1',
      locationId: 'l1',
    });
  });

  it('pages through installed locations until the count is reached', async () => {
    const { server, client } = await scriptedClient();
    const page = (ids: string[]) => ({
      json: { locations: ids.map((id) => ({ _id: id, name: `n-${id}`, address: '' })), count: 150 },
    });
    server.enqueue(
      page(Array.from({ length: 100 }, (_, i) => `a${i}`)),
      page(Array.from({ length: 50 }, (_, i) => `b${i}`)),
    );
    const locations = await client.installedLocations({
      agencyAccessToken: 'agency-token-1',
      companyId: 'c1',
      appId: 'app1',
    });
    expect(locations).toHaveLength(150);
    const second = new URL(server.requests[1]!.url, 'http://x');
    expect(second.searchParams.get('skip')).toBe('100');
    expect(second.searchParams.get('companyId')).toBe('c1');
    expect(second.searchParams.get('appId')).toBe('app1');
  });

  const cases: { name: string; response: Parameters<ScriptedServer['enqueue']>[0]; code: string }[] = [
    {
      name: 'a HighLevel-style 400 saying the refresh token is invalid (no error field) is invalid_grant',
      response: { status: 400, json: { statusCode: 400, message: 'Invalid refresh token' } },
      code: 'invalid_grant',
    },
    {
      name: 'a 400 with any other message is invalid_request',
      response: { status: 400, json: { statusCode: 400, message: 'user_type must be one of Company, Location' } },
      code: 'invalid_request',
    },
    {
      name: 'a 401 on the token endpoint is invalid_client',
      response: { status: 401, json: { message: 'Unauthorized' } },
      code: 'invalid_client',
    },
    {
      name: '422 is invalid_request',
      response: { status: 422, json: { message: ['code must be a string'] } },
      code: 'invalid_request',
    },
    {
      name: '429 is rate_limited',
      response: { status: 429, json: { message: 'Too many requests' } },
      code: 'rate_limited',
    },
    { name: '503 is server_error', response: { status: 503, body: 'upstream down' }, code: 'server_error' },
    {
      name: 'a 200 without access_token is invalid_response',
      response: { json: { token_type: 'Bearer' } },
      code: 'invalid_response',
    },
    { name: 'a reset connection is network_error', response: { reset: true }, code: 'network_error' },
  ];
  for (const { name, response, code } of cases) {
    it(`maps answers to codes: ${name}`, async () => {
      const { server, client } = await scriptedClient();
      server.enqueue(response);
      const error = await caught(client.refresh({ refreshToken: 'refresh-token-secret-1', userType: 'Location' }));
      expect(error.code).toBe(code);
      expect(shownText(error)).not.toContain('refresh-token-secret-1');
      expect(shownText(error)).not.toContain(SECRET);
    });
  }

  it('reads Retry-After on a 429', async () => {
    const { server, client } = await scriptedClient();
    server.enqueue({ status: 429, headers: { 'retry-after': '7' }, json: { message: 'slow down' } });
    const error = await caught(client.refresh({ refreshToken: 'refresh-token-secret-1', userType: 'Location' }));
    expect(error.retryAfterMs).toBe(7000);
    expect(error.transient).toBe(true);
  });

  it('scrubs a secret that the server echoes back in its message', async () => {
    const { server, client } = await scriptedClient();
    server.enqueue({
      status: 400,
      json: {
        error: 'invalid_grant',
        error_description: `refresh token refresh-token-secret-1 was used (client ${SECRET})`,
      },
    });
    const error = await caught(client.refresh({ refreshToken: 'refresh-token-secret-1', userType: 'Location' }));
    expect(error.code).toBe('invalid_grant');
    expect(error.message).toContain('[redacted]');
    expect(shownText(error)).not.toContain('refresh-token-secret-1');
    expect(shownText(error)).not.toContain(SECRET);
  });

  it('gives up with timeout when no answer comes within timeoutMs', async () => {
    const { server, client } = await scriptedClient(100);
    server.enqueue({ hang: true });
    const error = await caught(client.exchangeCode({ code: 'code-secret-value-1', redirectUri: REDIRECT }));
    expect(error.code).toBe('timeout');
    expect(shownText(error)).not.toContain('code-secret-value-1');
  });

  it('answers network_error naming the errno when nothing listens', async () => {
    const port = await unusedPort();
    const client = createHighLevelTokenClient({
      baseUrl: `http://127.0.0.1:${port}`,
      clientId: 'c',
      clientSecret: SECRET,
    });
    const error = await caught(client.refresh({ refreshToken: 'refresh-token-secret-1', userType: 'Company' }));
    expect(error.code).toBe('network_error');
    expect(error.message).toContain('ECONNREFUSED');
    expect(shownText(error)).not.toContain(SECRET);
  });
});

describe('token client construction', () => {
  it('refuses a missing client secret, naming HIGHLEVEL_CLIENT_SECRET', () => {
    expect(() =>
      createHighLevelTokenClient({ baseUrl: 'http://127.0.0.1:1', clientId: 'c', clientSecret: '' }),
    ).toThrow(/clientSecret \(HIGHLEVEL_CLIENT_SECRET\) must be a non-empty string/);
  });

  it('refuses a base URL that is not absolute', () => {
    expect(() => createHighLevelTokenClient({ baseUrl: 'services.example', clientId: 'c', clientSecret: 's' })).toThrow(
      /baseUrl must be an absolute URL/,
    );
  });
});
