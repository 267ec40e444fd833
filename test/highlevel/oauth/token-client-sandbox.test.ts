import { afterEach, describe, expect, it } from 'vitest';
import { OAuthError } from '../../../src/highlevel/oauth/oauth-error.js';
import { createHighLevelTokenClient } from '../../../src/highlevel/oauth/token-client.js';
import { type SandboxHandle, withSandbox } from '../../helpers/sandbox.js';

const REDIRECT = 'http://127.0.0.1:3000/oauth/highlevel/callback';
const SECRET = 'sandbox-client-secret';

let sandbox: SandboxHandle | undefined;

afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
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

  /** Exchanges a code twice; answers the code and the second exchange's error. */
  async function exchangeCodeTwice() {
    const { handle, client } = await sandboxClient();
    const code = await authorizationCode(handle, 'conversations.readonly');
    await client.exchangeCode({ code, redirectUri: REDIRECT });
    return { code, error: await caught(client.exchangeCode({ code, redirectUri: REDIRECT })) };
  }

  it('refuses a used authorization code with invalid_grant', async () => {
    const { error } = await exchangeCodeTwice();
    expect(error.code).toBe('invalid_grant');
    expect(error.status).toBe(400);
  });

  it('never shows the code or the client secret when it refuses a used code', async () => {
    const { code, error } = await exchangeCodeTwice();
    expect(shownText(error)).not.toContain(code);
    expect(shownText(error)).not.toContain(SECRET);
  });

  /** Refreshes an issued token once; answers the sandbox, the client, the issued and the rotated tokens. */
  async function refreshOnce() {
    const { handle, client } = await sandboxClient();
    const issued = handle.sandbox.issueToken();
    const first = await client.refresh({ refreshToken: issued.refreshToken!, userType: 'Location' });
    return { handle, client, issued, first };
  }

  it('rotates the refresh token', async () => {
    const { handle, issued, first } = await refreshOnce();
    expect(first.refreshToken).toMatch(/^sbx_rt_/);
    expect(first.refreshToken).not.toBe(issued.refreshToken);
    expect(first.accessToken).not.toBe(issued.accessToken);
    expect(handle.sandbox.stats.tokenGrants).toMatchObject({ refresh_token: 1 });
  });

  it('refuses the spent refresh token with invalid_grant', async () => {
    const { handle, client, issued } = await refreshOnce();
    const error = await caught(client.refresh({ refreshToken: issued.refreshToken!, userType: 'Location' }));
    expect(error.code).toBe('invalid_grant');
    expect(error.transient).toBe(false);
    expect(handle.sandbox.stats.tokenGrantsRejected).toMatchObject({ refresh_token: 1 });
  });

  it('names no token when it refuses a spent refresh token', async () => {
    const { client, issued, first } = await refreshOnce();
    const error = await caught(client.refresh({ refreshToken: issued.refreshToken!, userType: 'Location' }));
    for (const secret of [issued.refreshToken!, first.refreshToken!, first.accessToken, SECRET]) {
      expect(shownText(error)).not.toContain(secret);
    }
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
