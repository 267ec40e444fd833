import { afterEach, describe, expect, it } from 'vitest';
import { OAuthError } from '../../src/highlevel/oauth/oauth-error.js';
import { createHighLevelTokenClient } from '../../src/highlevel/oauth/token-client.js';
import { type SandboxHandle, withSandbox } from '../helpers/sandbox.js';
import { type ScriptedServer, startScriptedServer, unusedPort } from '../helpers/scripted-server.js';

const REDIRECT = 'http://127.0.0.1:3000/oauth/highlevel/callback';
const SECRET = 'sandbox-client-secret';

let sandbox: SandboxHandle | undefined;
let scripted: ScriptedServer | undefined;

afterEach(async () => {
  await sandbox?.close();
  await scripted?.close();
  sandbox = undefined;
  scripted = undefined;
});

async function sandboxClient() {
  sandbox = await withSandbox();
  const client = createHighLevelTokenClient({
    baseUrl: sandbox.url,
    clientId: 'sandbox-client-id',
    clientSecret: SECRET,
  });
  return { handle: sandbox, client };
}

/** The consent step without a browser: the sandbox redirects straight away with `approve=<locationId>`. */
async function authorizationCode(handle: SandboxHandle, scope: string): Promise<string> {
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: 'sandbox-client-id',
    redirect_uri: REDIRECT,
    scope,
    approve: handle.sandbox.defaultLocationId,
  });
  const res = await fetch(`${handle.url}/v2/oauth/chooselocation?${query}`, { redirect: 'manual' });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location')!).searchParams.get('code')!;
}

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

describe('token client against the sandbox', () => {
  it('exchanges an authorization code for a Location grant with its scopes split on spaces', async () => {
    const { handle, client } = await sandboxClient();
    const code = await authorizationCode(handle, 'conversations.readonly conversations/message.write');
    const grant = await client.exchangeCode({ code, redirectUri: REDIRECT });
    expect(grant).toMatchObject({
      userType: 'Location',
      locationId: handle.sandbox.defaultLocationId,
      companyId: handle.sandbox.companyId,
      scopes: ['conversations.readonly', 'conversations/message.write'],
      isBulkInstallation: false,
      approvedLocations: [],
    });
    expect(grant.accessToken).toMatch(/^sbx_at_/);
    expect(grant.refreshToken).toMatch(/^sbx_rt_/);
    expect(grant.expiresIn).toBeGreaterThan(0);
    expect(grant.userId).toBeTruthy();
  });

  it('exchanges a code for a Company grant listing the approved locations when user_type is Company', async () => {
    const { handle, client } = await sandboxClient();
    const code = await authorizationCode(handle, 'oauth.write oauth.readonly');
    const grant = await client.exchangeCode({ code, redirectUri: REDIRECT, userType: 'Company' });
    expect(grant).toMatchObject({ userType: 'Company', locationId: null, companyId: handle.sandbox.companyId });
    expect(grant.approvedLocations).toEqual([handle.sandbox.defaultLocationId]);
  });

  it('refuses a used authorization code with invalid_grant and never shows the code or the secret', async () => {
    const { handle, client } = await sandboxClient();
    const code = await authorizationCode(handle, 'conversations.readonly');
    await client.exchangeCode({ code, redirectUri: REDIRECT });
    const error = await caught(client.exchangeCode({ code, redirectUri: REDIRECT }));
    expect(error.code).toBe('invalid_grant');
    expect(error.status).toBe(400);
    expect(shownText(error)).not.toContain(code);
    expect(shownText(error)).not.toContain(SECRET);
  });

  it('rotates the refresh token and refuses the spent one with invalid_grant, naming neither token', async () => {
    const { handle, client } = await sandboxClient();
    const issued = handle.sandbox.issueToken();
    const first = await client.refresh({ refreshToken: issued.refreshToken!, userType: 'Location' });
    expect(first.refreshToken).toMatch(/^sbx_rt_/);
    expect(first.refreshToken).not.toBe(issued.refreshToken);
    expect(first.accessToken).not.toBe(issued.accessToken);

    const error = await caught(client.refresh({ refreshToken: issued.refreshToken!, userType: 'Location' }));
    expect(error.code).toBe('invalid_grant');
    expect(error.transient).toBe(false);
    for (const secret of [issued.refreshToken!, first.refreshToken!, first.accessToken, SECRET]) {
      expect(shownText(error)).not.toContain(secret);
    }
    expect(handle.sandbox.stats.tokenGrants).toMatchObject({ refresh_token: 1 });
    expect(handle.sandbox.stats.tokenGrantsRejected).toMatchObject({ refresh_token: 1 });
  });

  it('answers invalid_client for a wrong client secret without showing it', async () => {
    sandbox = await withSandbox();
    const wrong = 'not-the-secret-but-long-enough';
    const client = createHighLevelTokenClient({
      baseUrl: sandbox.url,
      clientId: 'sandbox-client-id',
      clientSecret: wrong,
    });
    const issued = sandbox.sandbox.issueToken();
    const error = await caught(client.refresh({ refreshToken: issued.refreshToken!, userType: 'Location' }));
    expect(error.code).toBe('invalid_client');
    expect(error.message).toContain('HIGHLEVEL_CLIENT_SECRET');
    expect(shownText(error)).not.toContain(wrong);
    expect(shownText(error)).not.toContain(issued.refreshToken!);
  });

  it('mints a location token from an agency token: no refresh token, agency-only scopes dropped', async () => {
    const { handle, client } = await sandboxClient();
    const agency = handle.sandbox.issueToken({
      userType: 'Company',
      scopes: ['oauth.write', 'oauth.readonly', 'conversations.readonly'],
    });
    const grant = await client.locationToken({
      agencyAccessToken: agency.accessToken,
      companyId: handle.sandbox.companyId,
      locationId: handle.sandbox.defaultLocationId,
    });
    expect(grant).toMatchObject({
      userType: 'Location',
      refreshToken: null,
      locationId: handle.sandbox.defaultLocationId,
      companyId: handle.sandbox.companyId,
      scopes: ['conversations.readonly'],
    });
    expect(handle.sandbox.stats.tokenGrants).toMatchObject({ location_token: 1 });
  });

  it('answers forbidden when a location token is sent where the agency token belongs, without showing it', async () => {
    const { handle, client } = await sandboxClient();
    const location = handle.sandbox.issueToken();
    const error = await caught(
      client.locationToken({
        agencyAccessToken: location.accessToken,
        companyId: handle.sandbox.companyId,
        locationId: handle.sandbox.defaultLocationId,
      }),
    );
    expect(error.code).toBe('forbidden');
    expect(error.status).toBe(403);
    expect(shownText(error)).not.toContain(location.accessToken);
  });

  it('lists the installed locations of the company', async () => {
    const { handle, client } = await sandboxClient();
    const added = handle.sandbox.addLocation({ attendees: 1, name: 'Second venue' }).location;
    const agency = handle.sandbox.issueToken({ userType: 'Company', scopes: ['oauth.readonly'] });
    const locations = await client.installedLocations({
      agencyAccessToken: agency.accessToken,
      companyId: handle.sandbox.companyId,
      appId: handle.sandbox.appId,
    });
    expect(locations.map((l) => l.locationId).sort()).toEqual([handle.sandbox.defaultLocationId, added.id].sort());
    expect(locations.find((l) => l.locationId === added.id)?.name).toBe('Second venue');
  });
});

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

  it('posts the refresh grant form-encoded with client credentials and user_type', async () => {
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

  it('sends the agency bearer token and Version 2021-07-28 to /oauth/locationToken', async () => {
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
