/**
 * The Users admin API and page on a real console (both databases), through app.inject: list, disable,
 * enable, set role, unlock, revoke a token. Every change is checked by what the affected user's next
 * request gets, and by the server-log line that records who made it.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../src/console/auth/secret-tokens.js';
import { addUser, createApiToken } from '../../../src/console/auth/user-accounts.js';
import { registerConsole } from '../../../src/console/register-console.js';
import { createLogger } from '../../../src/lib/create-logger.js';
import { createApp } from '../../../src/server/create-app.js';
import { CONSOLE_PASSWORD, type ConsoleApp, startConsoleApp } from '../../helpers/console-app.js';
import { DATABASE_KINDS } from '../../helpers/databases.js';
import { TEST_PASSWORD_COST } from '../../helpers/password-cost.js';

interface UserView {
  id: string;
  email: string;
  role: string;
  state: string;
  lockedUntil: number | null;
  tokens: { id: string; name: string; state: string }[];
}

describe.each(DATABASE_KINDS)('Users admin API [%s]', (kind) => {
  let parley: ConsoleApp;
  let app: FastifyInstance;
  const logLines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    parley = await startConsoleApp(kind, { attendees: 1, sync: false });
    const logger = createLogger({
      level: 'info',
      destination: { write: (line: string) => logLines.push(JSON.parse(line) as Record<string, unknown>) },
    });
    app = createApp({ logger, checkReady: async () => ({}) });
    await registerConsole(app, { ...parley.deps, logger });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await parley?.close();
  });

  const admin = () => parley.auth('admin');
  const send = (method: 'GET' | 'POST' | 'PUT', url: string, headers: Record<string, string>, payload?: object) =>
    app.inject({ method, url, headers, ...(payload ? { payload } : {}) });

  async function freshUser(email: string, role: 'viewer' | 'agent' | 'admin' | 'sponsor' = 'agent') {
    const user = await addUser(parley.deps.db, {
      email,
      password: CONSOLE_PASSWORD,
      role,
      passwordCost: TEST_PASSWORD_COST,
    });
    const { id: tokenId, token } = await createApiToken(parley.deps.db, { email, name: 'script' });
    return { ...user, tokenId, token, bearer: { authorization: `Bearer ${token}` } };
  }

  async function signIn(email: string): Promise<{ cookie: string; csrf: string }> {
    const login = await app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { email, password: CONSOLE_PASSWORD },
    });
    expect(login.statusCode).toBe(200);
    return {
      cookie: String([login.headers['set-cookie']].flat()[0]).split(';')[0] ?? '',
      csrf: login.json<{ csrfToken: string }>().csrfToken,
    };
  }

  const me = (headers: Record<string, string>) => app.inject({ url: '/api/me', headers });
  const listed = async (email: string): Promise<UserView> => {
    const response = await send('GET', '/api/admin/users', admin());
    expect(response.statusCode).toBe(200);
    const user = (response.json().users as UserView[]).find((u) => u.email === email);
    if (user === undefined) throw new Error(`${email} is not listed`);
    return user;
  };

  // The Users page test at the end reads this user.
  it('lists every user with their account details', async () => {
    const user = await freshUser('listed@parley.test', 'viewer');
    expect(await listed('listed@parley.test')).toMatchObject({
      id: user.id,
      role: 'viewer',
      state: 'active',
      lockedUntil: null,
      tokens: [{ id: user.tokenId, name: 'script', state: 'active' }],
    });
  });

  it('never lists a token, its digest or a password hash', async () => {
    const user = await freshUser('listed-secrets@parley.test', 'viewer');
    const response = await send('GET', '/api/admin/users', admin());
    expect(response.statusCode).toBe(200);
    expect(response.body).not.toContain(user.token);
    expect(response.body).not.toContain(sha256Hex(user.token));
    expect(response.body).not.toContain('scrypt$');
  });

  /** Adds a user with an open session and a working token, then has the admin disable them. */
  async function disableSignedInUser(email: string) {
    const user = await freshUser(email);
    const session = await signIn(user.email);
    expect((await me({ cookie: session.cookie })).statusCode).toBe(200);
    expect((await me(user.bearer)).statusCode).toBe(200);
    const response = await send('POST', `/api/admin/users/${user.id}/disable`, admin());
    return { user, session, response };
  }

  it('disables a user: every credential they hold gets 401 on the next request', async () => {
    const { user, session, response } = await disableSignedInUser('leaked@parley.test');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ user: { state: 'disabled' }, endedSessions: 1, revokedTokens: 1 });
    expect((await me({ cookie: session.cookie })).statusCode).toBe(401);
    expect((await me(user.bearer)).statusCode).toBe(401);
  });

  it("logs the admin's id for a disable, never the user's email", async () => {
    const { user } = await disableSignedInUser('leaked-log@parley.test');
    const adminId = (await listed(parley.email('admin'))).id;
    const line = logLines.find((l) => l.action === 'disable' && l.userId === user.id);
    expect(line).toMatchObject({ actor: `user:${adminId}`, msg: 'console user changed by an admin' });
    expect(JSON.stringify(line)).not.toContain(user.email);
  });

  /** Adds a user, then has the admin disable and enable them. */
  async function disableThenEnable(email: string) {
    const user = await freshUser(email);
    await send('POST', `/api/admin/users/${user.id}/disable`, admin());
    const response = await send('POST', `/api/admin/users/${user.id}/enable`, admin());
    return { user, response };
  }

  it('enables a disabled user, who may sign in again', async () => {
    const { user, response } = await disableThenEnable('returning@parley.test');
    expect(response.json()).toMatchObject({ user: { state: 'active' } });
    await signIn(user.email);
  });

  it('keeps a re-enabled user’s revoked token revoked', async () => {
    const { user } = await disableThenEnable('returning-token@parley.test');
    expect((await me(user.bearer)).statusCode).toBe(401);
  });

  it('sets a role the next request carries', async () => {
    const user = await freshUser('promoted@parley.test', 'viewer');
    const response = await send('PUT', `/api/admin/users/${user.id}/role`, admin(), { role: 'agent' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ user: { role: 'agent' }, role: 'agent', previousRole: 'viewer' });
    expect((await me(user.bearer)).json()).toMatchObject({ user: { role: 'agent' } });
  });

  it('names the field of a role that does not exist', async () => {
    const user = await freshUser('unpromoted@parley.test', 'viewer');
    const wrong = await send('PUT', `/api/admin/users/${user.id}/role`, admin(), { role: 'owner' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toMatchObject({ error: 'invalid_request', field: 'role' });
  });

  it('unlocks an email whose sign-ins are throttled', async () => {
    const user = await freshUser('throttled@parley.test');
    const attempt = (password: string) =>
      app.inject({ method: 'POST', url: '/api/login', payload: { email: user.email, password } });
    for (let i = 0; i < 5; i += 1) expect((await attempt('wrong password')).statusCode).toBe(401);
    expect((await attempt(CONSOLE_PASSWORD)).statusCode).toBe(429);
    expect((await listed(user.email)).lockedUntil).toBeGreaterThan(Date.now());

    const response = await send('POST', `/api/admin/users/${user.id}/unlock`, admin());
    expect(response.json()).toMatchObject({ unlocked: true, user: { lockedUntil: null } });
    expect((await attempt(CONSOLE_PASSWORD)).statusCode).toBe(200);
  });

  it("revokes one of a user's tokens, refusing a token id of another user with 404 naming tokenId", async () => {
    const user = await freshUser('tokens@parley.test');
    const other = await freshUser('other-tokens@parley.test');
    const foreign = await send('POST', `/api/admin/users/${user.id}/tokens/${other.tokenId}/revoke`, admin());
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json()).toMatchObject({ error: 'not_found', field: 'tokenId' });
    expect((await me(other.bearer)).statusCode).toBe(200);

    const response = await send('POST', `/api/admin/users/${user.id}/tokens/${user.tokenId}/revoke`, admin());
    expect(response.json()).toMatchObject({ tokenId: user.tokenId, revoked: true });
    expect((await me(user.bearer)).statusCode).toBe(401);
    expect((await listed(user.email)).tokens).toEqual([expect.objectContaining({ state: 'revoked' })]);
  });

  it('answers 404 naming userId for a user that does not exist', async () => {
    const response = await send('POST', '/api/admin/users/no-such-user/disable', admin());
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: 'not_found', field: 'userId' });
  });

  it('refuses an admin disabling or re-roling their own account from the console', async () => {
    const self = await listed(parley.email('admin'));
    for (const [method, path, payload] of [
      ['POST', 'disable', undefined],
      ['PUT', 'role', { role: 'viewer' }],
    ] as const) {
      const response = await send(method, `/api/admin/users/${self.id}/${path}`, admin(), payload);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ error: 'invalid_request', field: 'userId' });
    }
    expect((await me(admin())).json()).toMatchObject({ user: { role: 'admin' } });
  });

  it('needs the admin role', async () => {
    const user = await freshUser('role-target@parley.test');
    const agent = await send('POST', `/api/admin/users/${user.id}/disable`, parley.auth('agent'));
    expect(agent.statusCode).toBe(403);
    expect((await me(user.bearer)).statusCode).toBe(200);
  });

  it('needs the CSRF header from a cookie session', async () => {
    const user = await freshUser('csrf-target@parley.test');
    const session = await signIn(parley.email('admin'));
    const url = `/api/admin/users/${user.id}/disable`;
    const without = await send('POST', url, { cookie: session.cookie });
    expect(without.statusCode).toBe(403);
    expect(without.json()).toMatchObject({ error: 'csrf_failed' });
    expect((await me(user.bearer)).statusCode).toBe(200);
    const withCsrf = await send('POST', url, { cookie: session.cookie, 'x-csrf-token': session.csrf });
    expect(withCsrf.statusCode).toBe(200);
    expect((await me(user.bearer)).statusCode).toBe(401);
  });

  it('serves the Users page to an admin with a form per action', async () => {
    const session = await signIn(parley.email('admin'));
    const page = await app.inject({ url: '/console/admin/users', headers: { cookie: session.cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    const user = await listed('listed@parley.test');
    for (const action of ['disable', 'role', 'unlock']) {
      expect(page.body).toContain(`data-api="/api/admin/users/${user.id}/${action}"`);
    }
    expect(page.body).toContain(`data-api="/api/admin/users/${user.id}/tokens/${user.tokens[0]?.id}/revoke"`);
    expect(page.body).toContain('aria-current="page">Users</a>');
    expect(page.body).not.toContain('scrypt$');
  });

  it('serves a 403 page to an agent who opens the Users page', async () => {
    const agent = await signIn(parley.email('agent'));
    const refused: LightMyRequestResponse = await app.inject({
      url: '/console/admin/users',
      headers: { cookie: agent.cookie },
    });
    expect(refused.statusCode).toBe(403);
  });
});
