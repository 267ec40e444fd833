import { afterEach, describe, expect, it } from 'vitest';
import { echoHandlers, readJson, type SandboxHandle, withSandbox } from '../helpers/sandbox.js';

const REDIRECT = 'https://app.example.com/oauth/callback';
const CLIENT = { client_id: 'sandbox-client-id', client_secret: 'sandbox-client-secret' };

let handle: SandboxHandle;
let clock = Date.UTC(2026, 0, 5, 12);

afterEach(async () => {
  await handle?.close();
});

async function start() {
  clock = Date.UTC(2026, 0, 5, 12);
  handle = await withSandbox({ handlers: echoHandlers(), now: () => clock });
}

function consentQuery(extra: Record<string, string> = {}) {
  return new URLSearchParams({
    response_type: 'code',
    client_id: CLIENT.client_id,
    redirect_uri: REDIRECT,
    scope: 'conversations.readonly conversations/message.write',
    state: 'xyz-123',
    ...extra,
  });
}

/** Walks the consent page like a browser: GET the page, POST its form, follow nothing. Returns the code. */
async function authorize(): Promise<string> {
  const page = await fetch(`${handle.url}/v2/oauth/chooselocation?${consentQuery()}`);
  expect(page.status).toBe(200);
  const html = await page.text();
  const fields = new URLSearchParams();
  for (const match of html.matchAll(/<input type="(?:hidden|radio)" (?:id="[^"]*" )?name="([^"]+)" value="([^"]*)"/g)) {
    fields.set(
      match[1]!,
      match[2]!.replace(/&#(\d+);/g, (_, c) => String.fromCharCode(Number(c))),
    );
  }
  const approved = await fetch(`${handle.url}/v2/oauth/chooselocation`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: fields.toString(),
    redirect: 'manual',
  });
  expect(approved.status).toBe(302);
  const target = new URL(approved.headers.get('location')!);
  expect(`${target.origin}${target.pathname}`).toBe(REDIRECT);
  expect(target.searchParams.get('state')).toBe('xyz-123');
  return target.searchParams.get('code')!;
}

function token(fields: Record<string, string>) {
  return fetch(`${handle.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
}

function search(accessToken: string) {
  return fetch(`${handle.url}/conversations/search?locationId=${handle.sandbox.defaultLocationId}`, {
    headers: { authorization: `Bearer ${accessToken}`, version: '2021-04-15' },
  });
}

describe('sandbox OAuth: consent and authorization code', () => {
  it('renders an accessible consent page for the requested scopes at the sample location', async () => {
    await start();
    const res = await fetch(`${handle.url}/v2/oauth/chooselocation?${consentQuery()}`);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('<code>conversations/message.write</code>');
    expect(html).toContain(handle.sandbox.defaultLocationId);
    expect(html).toMatch(/<legend>[^<]+<\/legend>/);
    expect(html).toContain('<button type="submit">Approve</button>');
  });

  it('exchanges a code from the consent redirect for a Location token that works on the API', async () => {
    await start();
    const code = await authorize();
    const res = await token({ ...CLIENT, grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
    expect(res.status).toBe(200);
    const body = await readJson(res);
    expect(body).toMatchObject({
      token_type: 'Bearer',
      expires_in: 86_399,
      scope: 'conversations.readonly conversations/message.write',
      userType: 'Location',
      locationId: handle.sandbox.defaultLocationId,
      companyId: handle.sandbox.companyId,
    });
    expect(body.access_token).toMatch(/^sbx_at_/);
    expect(body.refresh_token).toMatch(/^sbx_rt_/);
    expect(typeof body.userId).toBe('string');
    expect((await search(body.access_token)).status).toBe(200);
    expect(handle.sandbox.stats.tokenGrants).toEqual({ authorization_code: 1 });
  });

  it('redirects straight away for GET with approve=<locationId>', async () => {
    await start();
    const res = await fetch(
      `${handle.url}/v2/oauth/chooselocation?${consentQuery({ approve: handle.sandbox.defaultLocationId })}`,
      { redirect: 'manual' },
    );
    expect(res.status).toBe(302);
    expect(new URL(res.headers.get('location')!).searchParams.get('code')).toMatch(/^sbx_code_/);
  });

  it('answers a 400 page naming client_id or redirect_uri when they are wrong', async () => {
    await start();
    const unknownClient = await fetch(`${handle.url}/v2/oauth/chooselocation?${consentQuery({ client_id: 'nope' })}`);
    expect(unknownClient.status).toBe(400);
    expect(await unknownClient.text()).toContain('client_id');
    const query = consentQuery();
    query.delete('redirect_uri');
    const noRedirect = await fetch(`${handle.url}/v2/oauth/chooselocation?${query}`);
    expect(noRedirect.status).toBe(400);
    expect(await noRedirect.text()).toContain('redirect_uri is required');
  });

  it('refuses a second use of the same code with invalid_grant', async () => {
    await start();
    const code = await authorize();
    const fields = { ...CLIENT, grant_type: 'authorization_code', code, redirect_uri: REDIRECT };
    expect((await token(fields)).status).toBe(200);
    const again = await token(fields);
    expect(again.status).toBe(400);
    const body = await readJson(again);
    expect(body).toMatchObject({ error: 'invalid_grant', statusCode: 400 });
    expect(body.message).toBe(body.error_description);
  });

  it('refuses a code after its 10 minutes', async () => {
    await start();
    const late = await authorize();
    clock += 10 * 60_000;
    const expired = await token({ ...CLIENT, grant_type: 'authorization_code', code: late, redirect_uri: REDIRECT });
    expect((await readJson(expired)).error_description).toBe('The authorization code has expired');
  });

  it('refuses a code presented with another redirect_uri', async () => {
    await start();
    const code = await authorize();
    const wrong = await token({
      ...CLIENT,
      grant_type: 'authorization_code',
      code,
      redirect_uri: 'https://evil.example/cb',
    });
    expect(wrong.status).toBe(400);
    expect((await readJson(wrong)).error).toBe('invalid_grant');
  });

  it('answers 401 invalid_client for a wrong client secret', async () => {
    await start();
    const code = await authorize();
    const res = await token({
      ...CLIENT,
      client_secret: 'guess',
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
    });
    expect(res.status).toBe(401);
    expect(await readJson(res)).toMatchObject({ error: 'invalid_client', statusCode: 401 });
  });

  it('answers 422 naming a missing field', async () => {
    await start();
    const res = await token({ client_id: CLIENT.client_id, grant_type: 'refresh_token', refresh_token: 'x' });
    expect(res.status).toBe(422);
    expect(await readJson(res)).toEqual({
      statusCode: 422,
      message: ['client_secret is required and must be a string'],
      error: 'Unprocessable Entity',
    });
  });

  it('accepts a JSON token request as well as a form-encoded one', async () => {
    await start();
    const code = await authorize();
    const res = await fetch(`${handle.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...CLIENT, grant_type: 'authorization_code', code, redirect_uri: REDIRECT }),
    });
    expect(res.status).toBe(200);
  });
});

describe('sandbox OAuth: refresh rotation', () => {
  it('rotates refresh tokens: the old one is invalid_grant at once, the new one works', async () => {
    await start();
    const first = handle.sandbox.issueToken({ ttlSeconds: 2 });
    const refreshed = await token({ ...CLIENT, grant_type: 'refresh_token', refresh_token: first.refreshToken! });
    expect(refreshed.status).toBe(200);
    const second = await readJson(refreshed);
    expect(second.refresh_token).not.toBe(first.refreshToken);
    expect(second.access_token).not.toBe(first.accessToken);

    const reused = await token({ ...CLIENT, grant_type: 'refresh_token', refresh_token: first.refreshToken! });
    expect(reused.status).toBe(400);
    expect((await readJson(reused)).error).toBe('invalid_grant');

    const third = await token({ ...CLIENT, grant_type: 'refresh_token', refresh_token: second.refresh_token });
    expect(third.status).toBe(200);
    expect((await search((await readJson(third)).access_token)).status).toBe(200);
    expect(handle.sandbox.stats.tokenGrants).toEqual({ refresh_token: 2 });
    expect(handle.sandbox.stats.tokenGrantsRejected).toEqual({ refresh_token: 1 });
  });

  it('keeps what the original grant covered across refreshes', async () => {
    await start();
    const first = handle.sandbox.issueToken({ scopes: ['conversations.readonly'] });
    const res = await token({ ...CLIENT, grant_type: 'refresh_token', refresh_token: first.refreshToken! });
    expect(await readJson(res)).toMatchObject({
      scope: 'conversations.readonly',
      userType: 'Location',
      locationId: handle.sandbox.defaultLocationId,
    });
  });
});

describe('sandbox OAuth: agency tokens', () => {
  async function agencyToken(): Promise<{ access_token: string; approvedLocations: string[]; userType: string }> {
    const code = await authorize();
    const res = await token({
      ...CLIENT,
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      user_type: 'Company',
    });
    expect(res.status).toBe(200);
    return readJson(res);
  }

  it('issues a Company token with approvedLocations when user_type is Company', async () => {
    await start();
    const body = await agencyToken();
    expect(body).toMatchObject({ userType: 'Company', approvedLocations: [handle.sandbox.defaultLocationId] });
    expect(body).not.toHaveProperty('locationId');
  });

  it('mints a Location token with no refresh_token from an agency token via /oauth/locationToken', async () => {
    await start();
    const { accessToken } = handle.sandbox.issueToken({
      userType: 'Company',
      scopes: ['oauth.write', 'oauth.readonly'],
    });
    const res = await fetch(`${handle.url}/oauth/locationToken`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${accessToken}`,
        version: '2021-07-28',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        companyId: handle.sandbox.companyId,
        locationId: handle.sandbox.defaultLocationId,
      }).toString(),
    });
    expect(res.status).toBe(200);
    const body = await readJson(res);
    expect(body).not.toHaveProperty('refresh_token');
    expect(body).toMatchObject({ token_type: 'Bearer', locationId: handle.sandbox.defaultLocationId });
    expect(res.headers.get('x-ratelimit-remaining')).not.toBeNull();
    expect((await search(body.access_token)).status).toBe(200);
    expect(handle.sandbox.stats.tokenGrants).toEqual({ location_token: 1 });
  });

  const locationTokenWith = (accessToken: string) =>
    fetch(`${handle.url}/oauth/locationToken`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${accessToken}`,
        version: '2021-07-28',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: `companyId=${handle.sandbox.companyId}&locationId=${handle.sandbox.defaultLocationId}`,
    });

  it('refuses /oauth/locationToken for a Location token', async () => {
    await start();
    const location = handle.sandbox.issueToken();
    expect((await locationTokenWith(location.accessToken)).status).toBe(403);
  });

  it('names the missing oauth.write scope of an agency token at /oauth/locationToken', async () => {
    await start();
    const agencyWithoutWrite = handle.sandbox.issueToken({ userType: 'Company', scopes: ['oauth.readonly'] });
    const call = locationTokenWith;
    const missing = await call(agencyWithoutWrite.accessToken);
    expect(missing.status).toBe(403);
    expect((await readJson(missing)).message).toBe(
      'The token is not authorized for this scope. Missing scope: oauth.write',
    );
  });

  it('lists installed locations for an agency token', async () => {
    await start();
    const { accessToken } = handle.sandbox.issueToken({ userType: 'Company' });
    const query = new URLSearchParams({ companyId: handle.sandbox.companyId, appId: handle.sandbox.appId });
    const res = await fetch(`${handle.url}/oauth/installedLocations?${query}`, {
      headers: { authorization: `Bearer ${accessToken}`, version: '2021-07-28' },
    });
    expect(res.status).toBe(200);
    expect(await readJson(res)).toEqual({
      locations: [{ _id: handle.sandbox.defaultLocationId, name: 'Sandbox Events (sample)', isInstalled: true }],
      count: 1,
      installToFutureLocations: false,
    });
  });
});
