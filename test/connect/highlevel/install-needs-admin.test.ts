/**
 * Starting a HighLevel install needs a signed-in console admin, and the install's `state` belongs to
 * that admin's session: the console and the OAuth routes on one real app (both databases), the real
 * sandbox's consent page and token endpoint over HTTP, sessions from POST /api/login.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerHighLevelOAuthRoutes } from '../../../src/connect/highlevel/oauth-routes.js';
import { createOAuthStateStore, STATE_TTL_MS } from '../../../src/connect/highlevel/oauth-state-store.js';
import { sha256Hex } from '../../../src/console/auth/secret-tokens.js';
import { addUser } from '../../../src/console/auth/user-accounts.js';
import { registerConsole } from '../../../src/console/register-console.js';
import { DEFAULT_FEATURES } from '../../../src/features/feature-names.js';
import { planScopes } from '../../../src/features/scope-planner.js';
import { createHighLevelTokenClient } from '../../../src/highlevel/oauth/token-client.js';
import { createLogger } from '../../../src/lib/create-logger.js';
import { createApp } from '../../../src/server/create-app.js';
import { CONSOLE_PASSWORD, type ConsoleApp, startConsoleApp } from '../../helpers/console-app.js';
import { DATABASE_KINDS } from '../../helpers/databases.js';
import { TEST_PASSWORD_COST } from '../../helpers/password-cost.js';

const REDIRECT_URI = 'http://127.0.0.1:9/oauth/highlevel/callback';
const HTML = { accept: 'text/html,application/xhtml+xml' };

describe.each(DATABASE_KINDS)('HighLevel install needs a signed-in admin [%s]', (kind) => {
  let parley: ConsoleApp;
  let app: FastifyInstance;
  const skew = { ms: 0 };

  beforeAll(async () => {
    parley = await startConsoleApp(kind, { attendees: 1, sync: false });
    await addUser(parley.deps.db, {
      email: 'second-admin@parley.test',
      password: CONSOLE_PASSWORD,
      role: 'admin',
      passwordCost: TEST_PASSWORD_COST,
    });
    const logger = createLogger({ level: 'silent' });
    const now = () => Date.now() + skew.ms;
    app = createApp({ logger, checkReady: async () => ({}) });
    await registerHighLevelOAuthRoutes(app, {
      config: {
        authorizeUrl: `${parley.sandbox.url}/v2/oauth/chooselocation`,
        clientId: parley.sandbox.sandbox.clientId,
        redirectUri: REDIRECT_URI,
      },
      repository: parley.deps.repository,
      tokenClient: createHighLevelTokenClient({
        baseUrl: parley.sandbox.url,
        clientId: parley.sandbox.sandbox.clientId,
        clientSecret: parley.sandbox.sandbox.clientSecret,
      }),
      states: createOAuthStateStore({ db: parley.deps.db, now }),
      plan: (userType) => planScopes(DEFAULT_FEATURES, { userType }),
      now,
      logger,
    });
    await registerConsole(app, { ...parley.deps, now });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await parley?.close();
  });

  async function signIn(email: string): Promise<{ cookie: string; sessionId: string }> {
    const response = await app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { email, password: CONSOLE_PASSWORD },
    });
    expect(response.statusCode).toBe(200);
    const cookie = String([response.headers['set-cookie']].flat()[0]).split(';')[0] ?? '';
    return { cookie, sessionId: cookie.slice(cookie.indexOf('=') + 1) };
  }

  const stateRows = async () =>
    Number(
      (
        await parley.deps.db
          .selectFrom('oauth_states')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const connectionCount = async () => (await parley.deps.repository.list()).length;
  const grants = () => parley.sandbox.sandbox.stats.tokenGrants['authorization_code'] ?? 0;

  /** Follows the consent URL with the sandbox's unattended approval; the callback path and query it sends the browser to. */
  async function approve(start: LightMyRequestResponse): Promise<string> {
    expect(start.statusCode).toBe(302);
    const consent = String(start.headers.location);
    const res = await fetch(`${consent}&approve=${parley.locationId}`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const callback = new URL(res.headers.get('location') ?? '');
    return `${callback.pathname}${callback.search}`;
  }

  /** The cookies a browser would send to the callback: the session's and the one /start set for the callback path. */
  function cookiesFrom(start: LightMyRequestResponse, session: { cookie: string }): string {
    const set = [start.headers['set-cookie']].flat().filter((c): c is string => typeof c === 'string');
    return [session.cookie, ...set.map((c) => c.split(';')[0])].join('; ');
  }

  const startSignedOut = () => app.inject({ url: '/oauth/highlevel/start', headers: HTML });

  it('sends a signed-out browser to the console login', async () => {
    const response = await startSignedOut();
    expect(response.statusCode).toBe(302);
    expect(String(response.headers.location)).toMatch(/^\/console\/login\?next=/);
  });

  it('stores no state for a signed-out browser', async () => {
    const before = await stateRows();
    await startSignedOut();
    expect(await stateRows()).toBe(before);
  });

  const startAnonymously = () => app.inject({ url: '/oauth/highlevel/start', headers: { accept: 'application/json' } });
  const startWithBearer = () => app.inject({ url: '/oauth/highlevel/start', headers: parley.auth('admin') });
  const startAsAgent = async () => {
    const agent = await signIn(parley.email('agent'));
    return app.inject({ url: '/oauth/highlevel/start', headers: { cookie: agent.cookie } });
  };

  it('answers an API caller without credentials 401', async () => {
    const anonymous = await startAnonymously();
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toMatchObject({ error: 'unauthenticated' });
  });

  it('answers an API caller with a bearer token 403: installs need a session', async () => {
    const bearer = await startWithBearer();
    expect(bearer.statusCode).toBe(403);
    expect(bearer.json()).toMatchObject({ error: 'session_required' });
  });

  it('answers a non-admin session 403', async () => {
    const forbidden = await startAsAgent();
    expect(forbidden.statusCode).toBe(403);
  });

  it('stores no state for a refused API caller', async () => {
    const before = await stateRows();
    await startAnonymously();
    await startWithBearer();
    await startAsAgent();
    expect(await stateRows()).toBe(before);
  });

  /** Starts an install from an admin's signed-in browser. */
  async function startAsAdmin() {
    const admin = await signIn(parley.email('admin'));
    const start = await app.inject({ url: '/oauth/highlevel/start', headers: { ...HTML, cookie: admin.cookie } });
    return { admin, start };
  }

  it("binds the state to the admin's session, storing its SHA-256 with it", async () => {
    const { admin, start } = await startAsAdmin();
    const state = new URL(String(start.headers.location)).searchParams.get('state') ?? '';
    const row = await parley.deps.db
      .selectFrom('oauth_states')
      .select('session_sha256')
      .where('state_hash', '=', sha256Hex(state))
      .executeTakeFirstOrThrow();
    expect(row.session_sha256).toBe(sha256Hex(admin.sessionId));
  });

  it("connects when the admin's session comes back with the callback", async () => {
    const { admin, start } = await startAsAdmin();
    const callback = await app.inject({ url: await approve(start), headers: { cookie: cookiesFrom(start, admin) } });
    expect(callback.statusCode).toBe(200);
    expect(callback.body).toContain('HighLevel connected');
    expect(await parley.deps.repository.findByAccountKey(`location:${parley.locationId}`)).not.toBeNull();
  });

  it('completes with only the callback-path cookie /start set, as after a cross-site redirect that drops the Strict session cookie', async () => {
    const admin = await signIn(parley.email('admin'));
    const start = await app.inject({ url: '/oauth/highlevel/start', headers: { cookie: admin.cookie } });
    const set = [start.headers['set-cookie']].flat().map(String);
    expect(set).toHaveLength(1);
    expect(set[0]?.split('; ')).toEqual(
      expect.arrayContaining(['HttpOnly', 'SameSite=Lax', 'Path=/oauth/highlevel/callback']),
    );
    const callback = await app.inject({ url: await approve(start), headers: { cookie: set[0]?.split(';')[0] ?? '' } });
    expect(callback.statusCode).toBe(200);
  });

  /** With no connections stored, an admin starts an install and consents; a second admin signs in. */
  async function approvedByOneAdmin() {
    for (const c of await parley.deps.repository.list()) await parley.deps.repository.delete(c.id);
    const starter = await signIn(parley.email('admin'));
    const other = await signIn('second-admin@parley.test');
    const path = await approve(
      await app.inject({ url: '/oauth/highlevel/start', headers: { cookie: starter.cookie } }),
    );
    return { starter, other, path };
  }

  const callbackWith = (path: string, cookie?: string) =>
    app.inject({ url: path, headers: cookie === undefined ? {} : { cookie } });

  it("refuses a callback carrying another admin's session with a clear page", async () => {
    const { other, path } = await approvedByOneAdmin();
    const foreign = await callbackWith(path, other.cookie);
    expect(foreign.statusCode).toBe(400);
    expect(foreign.headers['content-type']).toContain('text/html');
    expect(foreign.body).toContain('different console session');
  });

  it('refuses a callback carrying no session with a clear page', async () => {
    const { path } = await approvedByOneAdmin();
    const anonymous = await callbackWith(path);
    expect(anonymous.statusCode).toBe(400);
    expect(anonymous.body).toContain('not signed in');
  });

  it('neither exchanges the code nor stores a connection on a refused callback', async () => {
    const { other, path } = await approvedByOneAdmin();
    const before = { grants: grants(), connections: await connectionCount() };
    await callbackWith(path, other.cookie);
    await callbackWith(path);
    expect({ grants: grants(), connections: await connectionCount() }).toEqual(before);
  });

  it('keeps the state of a refused callback for the session that started it', async () => {
    const { starter, other, path } = await approvedByOneAdmin();
    await callbackWith(path, other.cookie);
    await callbackWith(path);
    // The state was not spent by the refusals: its own session can still finish the install.
    expect((await app.inject({ url: path, headers: { cookie: starter.cookie } })).statusCode).toBe(200);
  });

  it('refuses a callback after the session that started it signed out', async () => {
    const admin = await signIn(parley.email('admin'));
    const start = await app.inject({ url: '/oauth/highlevel/start', headers: { cookie: admin.cookie } });
    const path = await approve(start);
    const me = await app.inject({ url: '/api/me', headers: { cookie: admin.cookie } });
    const csrf = me.json<{ csrfToken: string }>().csrfToken;
    await app.inject({ method: 'POST', url: '/api/logout', headers: { cookie: admin.cookie, 'x-csrf-token': csrf } });
    const before = grants();
    const callback = await app.inject({ url: path, headers: { cookie: cookiesFrom(start, admin) } });
    expect(callback.statusCode).toBe(400);
    expect(grants()).toBe(before);
  });

  it('purges expired states whenever an install starts', async () => {
    const admin = await signIn(parley.email('admin'));
    await app.inject({ url: '/oauth/highlevel/start', headers: { cookie: admin.cookie } });
    expect(await stateRows()).toBeGreaterThan(0);
    skew.ms = STATE_TTL_MS + 1;
    try {
      const later = await signIn(parley.email('admin'));
      await app.inject({ url: '/oauth/highlevel/start', headers: { cookie: later.cookie } });
      const rows = await parley.deps.db.selectFrom('oauth_states').select('expires_at').execute();
      expect(rows).toHaveLength(1);
      expect(Number(rows[0]?.expires_at)).toBeGreaterThan(Date.now() + skew.ms);
    } finally {
      skew.ms = 0;
    }
  });
});
