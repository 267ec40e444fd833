/**
 * The HighLevel OAuth install through parley's routes (app.inject) against the real sandbox (real
 * HTTP: its consent page with `&approve=` and its token endpoint), with a real vault and store on
 * both databases, started and finished by a signed-in console admin (who may start one, and with
 * which session: test/connect/highlevel/install-needs-admin.test.ts).
 */
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { registerHighLevelOAuthRoutes } from '../../../src/connect/highlevel/oauth-routes.js';
import { createOAuthStateStore, STATE_TTL_MS } from '../../../src/connect/highlevel/oauth-state-store.js';
import { registerConsoleAuth } from '../../../src/console/auth/register-console-auth.js';
import { addUser } from '../../../src/console/auth/user-accounts.js';
import { createConnectionRepository } from '../../../src/credentials/connection-repository.js';
import type { ConnectionRepository } from '../../../src/credentials/types.js';
import { DEFAULT_FEATURES } from '../../../src/features/feature-names.js';
import { planScopes } from '../../../src/features/scope-planner.js';
import { createHighLevelTokenClient } from '../../../src/highlevel/oauth/token-client.js';
import { createLogger } from '../../../src/lib/create-logger.js';
import { openVault } from '../../../src/vault/open-vault.js';
import { describeEachDatabase } from '../../helpers/databases.js';
import { TEST_PASSWORD_COST } from '../../helpers/password-cost.js';
import { type SandboxHandle, withSandbox } from '../../helpers/sandbox.js';

const silent = createLogger({ level: 'silent' });
const REDIRECT_URI = 'http://127.0.0.1:9/oauth/highlevel/callback';
const LOCATION_PLAN = planScopes(DEFAULT_FEATURES);
const COMPANY_PLAN = planScopes(DEFAULT_FEATURES, { userType: 'Company' });
const ADMIN_PASSWORD = 'a long enough password';

describeEachDatabase('HighLevel OAuth routes', (getStore) => {
  let sandbox: SandboxHandle;
  let app: FastifyInstance;
  let repository: ConnectionRepository;
  const skew = { ms: 0 };
  const session = { cookie: '' };

  beforeAll(async () => {
    sandbox = await withSandbox();
    const { db } = getStore();
    const vault = await openVault({ db, masterKey: randomBytes(32), logger: silent });
    repository = createConnectionRepository({ db, vault });
    const now = () => Date.now() + skew.ms;
    app = Fastify();
    registerConsoleAuth(app, { db, logger: silent, secureCookies: false, now });
    await addUser(db, {
      email: 'admin@example.com',
      password: ADMIN_PASSWORD,
      role: 'admin',
      passwordCost: TEST_PASSWORD_COST,
    });
    await registerHighLevelOAuthRoutes(app, {
      config: {
        authorizeUrl: `${sandbox.url}/v2/oauth/chooselocation`,
        clientId: sandbox.sandbox.clientId,
        redirectUri: REDIRECT_URI,
      },
      repository,
      tokenClient: createHighLevelTokenClient({
        baseUrl: sandbox.url,
        clientId: sandbox.sandbox.clientId,
        clientSecret: sandbox.sandbox.clientSecret,
      }),
      states: createOAuthStateStore({ db, now }),
      plan: (userType) => planScopes(DEFAULT_FEATURES, { userType }),
      now,
      logger: silent,
    });
    const login = await app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { email: 'admin@example.com', password: ADMIN_PASSWORD },
    });
    session.cookie = String([login.headers['set-cookie']].flat()[0]).split(';')[0] ?? '';
  });
  afterAll(async () => {
    await app?.close();
    await sandbox?.close();
  });

  /** GET /oauth/highlevel/start → the consent URL it redirects to. */
  async function start(query = ''): Promise<URL> {
    const res = await app.inject({
      method: 'GET',
      url: `/oauth/highlevel/start${query}`,
      headers: { cookie: session.cookie },
    });
    expect(res.statusCode).toBe(302);
    return new URL(res.headers.location as string);
  }

  /** Approves the consent in the sandbox (real HTTP) and returns the callback path it sends the browser to. */
  async function approve(consent: URL, locationId = sandbox.sandbox.defaultLocationId): Promise<string> {
    const res = await fetch(`${consent}&approve=${locationId}`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const callback = new URL(res.headers.get('location')!);
    expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT_URI);
    return `${callback.pathname}${callback.search}`;
  }

  const callback = (path: string) => app.inject({ method: 'GET', url: path, headers: { cookie: session.cookie } });
  const count = async () => (await repository.list()).length;
  const grants = () => sandbox.sandbox.stats.tokenGrants['authorization_code'] ?? 0;

  it('redirects to the /v2 consent page with the minimal scopes, space-separated', async () => {
    const consent = await start();
    expect(`${consent.origin}${consent.pathname}`).toBe(`${sandbox.url}/v2/oauth/chooselocation`);
    expect(consent.searchParams.get('response_type')).toBe('code');
    expect(consent.searchParams.get('client_id')).toBe(sandbox.sandbox.clientId);
    expect(consent.searchParams.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(consent.searchParams.get('scope')).toBe(LOCATION_PLAN.scopes.join(' '));
    expect(consent.search).toContain(`scope=${LOCATION_PLAN.scopes.map(encodeURIComponent).join('%20')}`);
  });

  it('puts a fresh state in each consent redirect', async () => {
    const consent = await start();
    const other = await start();
    expect(other.searchParams.get('state')).not.toBe(consent.searchParams.get('state'));
  });

  it('answers 400 naming user_type when it is neither Location nor Company', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/oauth/highlevel/start?user_type=Admin',
      headers: { cookie: session.cookie },
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('user_type must be &#34;Location&#34; or &#34;Company&#34;');
  });

  /** Runs a Location install through consent and callback; answers the page and what was stored. */
  async function connectLocation() {
    const res = await callback(await approve(await start()));
    const location = sandbox.sandbox.defaultLocationId;
    const connection = await repository.findByAccountKey(`location:${location}`);
    const secrets = await repository.readSecrets(connection!.id);
    return { res, location, connection, secrets };
  }

  it('stores an oauth connection for the location the consent names', async () => {
    const { res, location, connection } = await connectLocation();
    expect(res.statusCode).toBe(200);
    expect(connection).toMatchObject({
      provider: 'highlevel',
      kind: 'oauth',
      userType: 'Location',
      locationId: location,
      companyId: sandbox.sandbox.companyId,
      scopes: LOCATION_PLAN.scopes,
      status: 'ok',
    });
    // The sandbox's access tokens live 86,399 s, HighLevel's documented `expires_in`.
    expect(connection!.expiresAt! - Date.now()).toBeGreaterThan(86_000_000);
  });

  it('shows the connected location’s ids with its scopes on the page', async () => {
    const { res, location, connection } = await connectLocation();
    expect(res.body).toContain(location);
    expect(res.body).toContain(connection!.id);
    expect(res.body).toContain('conversations/message.write');
  });

  it('shows no token on the page', async () => {
    const { res, secrets } = await connectLocation();
    expect(res.body).not.toContain(secrets.accessToken);
    expect(res.body).not.toContain(secrets.refreshToken);
  });

  it('stores the exchanged tokens encrypted', async () => {
    const { secrets } = await connectLocation();
    expect(secrets.accessToken).toMatch(/^sbx_at_/);
    expect(secrets.refreshToken).toMatch(/^sbx_rt_/);
    const rows = await getStore().db.selectFrom('connections').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(secrets.accessToken);
  });

  it('stores an access token HighLevel accepts', async () => {
    const { location, secrets } = await connectLocation();
    const search = await fetch(`${sandbox.url}/conversations/search?locationId=${location}&limit=1`, {
      headers: { authorization: `Bearer ${secrets.accessToken}`, version: '2021-04-15' },
    });
    expect(search.status).toBe(200);
  });

  /** Completes an install, then replays its callback; answers the counts before the replay and the replay. */
  async function replayCallback() {
    const path = await approve(await start());
    expect((await callback(path)).statusCode).toBe(200);
    const before = { connections: await count(), grants: grants() };
    return { before, replay: await callback(path) };
  }

  it('refuses a replayed callback (state already used) with 400', async () => {
    const { replay } = await replayCallback();
    expect(replay.statusCode).toBe(400);
    expect(replay.body).toContain('already used');
  });

  it('neither exchanges a code nor stores a connection for a replayed callback', async () => {
    const { before } = await replayCallback();
    expect({ connections: await count(), grants: grants() }).toEqual(before);
  });

  const unknownStateCallback = () => callback('/oauth/highlevel/callback?code=sbx_code_x&state=not-one-of-ours');
  const missingStateCallback = () => callback('/oauth/highlevel/callback?code=sbx_code_x');

  it('refuses an unknown state with 400', async () => {
    const unknown = await unknownStateCallback();
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).toContain('does not match any install parley started');
  });

  it('refuses a missing state with 400', async () => {
    const missing = await missingStateCallback();
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('no state parameter');
  });

  it('stores nothing for a callback without a state parley issued', async () => {
    const before = { connections: await count(), grants: grants() };
    await unknownStateCallback();
    await missingStateCallback();
    expect({ connections: await count(), grants: grants() }).toEqual(before);
  });

  it('refuses a callback whose state expired (10 minutes) with 400, storing nothing', async () => {
    const path = await approve(await start());
    const before = { connections: await count(), grants: grants() };
    skew.ms = STATE_TTL_MS + 1;
    try {
      const res = await callback(path);
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('expired');
    } finally {
      skew.ms = 0;
    }
    expect({ connections: await count(), grants: grants() }).toEqual(before);
  });

  /** With the location's connection gone, consents to the plan without conversations.write. */
  async function consentToFewerScopes() {
    const existing = await repository.findByAccountKey(`location:${sandbox.sandbox.defaultLocationId}`);
    if (existing) await repository.delete(existing.id);
    const consent = await start();
    consent.searchParams.set('scope', LOCATION_PLAN.scopes.filter((s) => s !== 'conversations.write').join(' '));
    return callback(await approve(consent));
  }

  it('refuses a consent granting fewer scopes with 400 naming the scope with the features that need it', async () => {
    const res = await consentToFewerScopes();
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('conversations.write (needed by registration-welcome');
    expect(res.body).toContain('agent-console');
    expect(res.body).toContain('missing_scope');
  });

  it('stores nothing for a consent granting fewer scopes', async () => {
    await consentToFewerScopes();
    expect(await count()).toBe(0);
  });

  /** Consents to the plan plus locations.readonly. */
  async function consentToExtraScopes() {
    const consent = await start();
    consent.searchParams.set('scope', [...LOCATION_PLAN.scopes, 'locations.readonly'].join(' '));
    return callback(await approve(consent));
  }

  it('warns on the page about extra scopes a consent granted', async () => {
    const res = await consentToExtraScopes();
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('more than parley needs');
    expect(res.body).toContain('locations.readonly');
  });

  it('stores a consent granting extra scopes', async () => {
    await consentToExtraScopes();
    const connection = await repository.findByAccountKey(`location:${sandbox.sandbox.defaultLocationId}`);
    expect(connection?.scopes).toContain('locations.readonly');
  });

  /** With no connections stored and a second location installed, runs an agency (Company) install. */
  async function installAgency() {
    for (const c of await repository.list()) await repository.delete(c.id);
    const second = sandbox.sandbox.addLocation({ attendees: 1 }).location.id;
    const consent = await start('?user_type=Company');
    const res = await callback(await approve(consent));
    return { consent, res, second };
  }

  it('turns an agency install into one agency connection with a location_token connection per installed location', async () => {
    const { consent, res, second } = await installAgency();
    expect(consent.searchParams.get('scope')).toBe(COMPANY_PLAN.scopes.join(' '));
    expect(res.statusCode).toBe(200);

    const all = await repository.list();
    const agency = all.find((c) => c.accountKey === `company:${sandbox.sandbox.companyId}`);
    expect(agency).toMatchObject({ kind: 'oauth', userType: 'Company', status: 'ok', scopes: COMPANY_PLAN.scopes });
    const locations = all.filter((c) => c.kind === 'location_token');
    expect(locations.map((c) => c.locationId).sort()).toEqual([sandbox.sandbox.defaultLocationId, second].sort());
    for (const c of locations) {
      expect(c).toMatchObject({ parentId: agency!.id, userType: 'Location', companyId: sandbox.sandbox.companyId });
      expect(res.body).toContain(c.locationId!);
    }
    expect(all).toHaveLength(3);
  });

  it('mints location tokens HighLevel accepts, with no refresh token', async () => {
    const { second } = await installAgency();
    const locations = (await repository.list()).filter((c) => c.kind === 'location_token');
    const minted = await repository.readSecrets(locations.find((c) => c.locationId === second)!.id);
    expect(minted.refreshToken).toBeUndefined();
    const search = await fetch(`${sandbox.url}/conversations/search?locationId=${second}&limit=1`, {
      headers: { authorization: `Bearer ${minted.accessToken}`, version: '2021-04-15' },
    });
    expect(search.status).toBe(200);
  });
});
