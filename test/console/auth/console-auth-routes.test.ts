/**
 * registerConsoleAuth and requireRole on a real Fastify app over both databases, driven with
 * app.inject: login, cookies, CSRF, roles, API tokens, throttling and expiry on an injected clock.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerConsoleAuth } from '../../../src/console/auth/register-console-auth.js';
import { requireRole } from '../../../src/console/auth/require-role.js';
import { DEFAULT_SESSION_TTL_MS } from '../../../src/console/auth/sessions.js';
import { addUser, createApiToken, revokeApiToken } from '../../../src/console/auth/user-accounts.js';
import { createLogger } from '../../../src/lib/create-logger.js';
import { createApp } from '../../../src/server/create-app.js';
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from '../../helpers/databases.js';

const PASSWORD = 'a long enough password';
const START = Date.UTC(2026, 0, 5, 9, 0, 0);

for (const kind of DATABASE_KINDS) {
  describe(`console auth routes [${kind}]`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    let clock = START;

    beforeAll(async () => {
      database = await openTestDatabase(kind);
      const db = database.store.db;
      for (const role of ['viewer', 'agent', 'admin', 'sponsor'] as const) {
        await addUser(db, { email: `${role}@example.com`, password: PASSWORD, role });
      }
      const logger = createLogger({ level: 'silent' });
      app = createApp({ logger, checkReady: async () => ({}) });
      registerConsoleAuth(app, { db, logger, secureCookies: true, now: () => clock });
      app.get('/api/probe', { preHandler: requireRole('viewer', 'agent', 'admin') }, async (request) => ({
        email: request.caller?.email,
      }));
      app.post('/api/probe', { preHandler: requireRole('agent', 'admin') }, async () => ({ changed: true }));
      await app.ready();
    });
    afterAll(async () => {
      await app?.close();
      await database?.dispose();
    });

    function login(email: string, password = PASSWORD, ip = '10.0.0.1'): Promise<LightMyRequestResponse> {
      return app.inject({ method: 'POST', url: '/api/login', payload: { email, password }, remoteAddress: ip });
    }

    async function session(email: string): Promise<{ cookie: string; csrfToken: string }> {
      const response = await login(email);
      expect(response.statusCode).toBe(200);
      const setCookie = String(response.headers['set-cookie']);
      return { cookie: setCookie.split(';')[0] ?? '', csrfToken: response.json<{ csrfToken: string }>().csrfToken };
    }

    it('logs in with the right password, setting an HttpOnly, SameSite=Strict, Secure session cookie on Path=/', async () => {
      const response = await login('Agent@Example.com');
      expect(response.statusCode).toBe(200);
      const body = response.json<{ user: unknown; csrfToken: string }>();
      expect(body.user).toEqual({ email: 'agent@example.com', role: 'agent' });
      expect(body.csrfToken).toMatch(/^[\w-]{43}$/);
      const cookie = String(response.headers['set-cookie']);
      expect(cookie).toMatch(/^parley_session=[\w-]{43}; /);
      expect(cookie.split('; ')).toEqual(
        expect.arrayContaining([
          'HttpOnly',
          'SameSite=Strict',
          'Path=/',
          'Secure',
          `Max-Age=${DEFAULT_SESSION_TTL_MS / 1000}`,
        ]),
      );

      // Neither the session id nor the CSRF token is stored as given.
      const sessionId = cookie.slice('parley_session='.length).split(';')[0] ?? '';
      const rows = JSON.stringify(await database.store.db.selectFrom('sessions').selectAll().execute());
      expect(rows).not.toContain(sessionId);
      expect(rows).not.toContain(body.csrfToken);
    });

    it('refuses a wrong password exactly as an unknown email: 401 invalid_credentials, no cookie', async () => {
      for (const response of [
        await login('viewer@example.com', 'not the password'),
        await login('ghost@example.com'),
      ]) {
        expect(response.statusCode).toBe(401);
        expect(response.json()).toMatchObject({ error: 'invalid_credentials' });
        expect(response.headers['set-cookie']).toBeUndefined();
      }
    });

    it('answers 400 naming password when the login has none', async () => {
      const missing = await app.inject({ method: 'POST', url: '/api/login', payload: { email: 'a@example.com' } });
      expect(missing.statusCode).toBe(400);
      expect(missing.json()).toEqual({ error: 'invalid_body', message: 'password must be a non-empty string' });
    });

    it('never stores a password in plain text', async () => {
      const users = await database.store.db.selectFrom('users').selectAll().execute();
      expect(users).toHaveLength(4);
      expect(JSON.stringify(users)).not.toContain(PASSWORD);
      for (const user of users) expect(user.password_hash.startsWith('scrypt$')).toBe(true);
    });

    it('answers 401 unauthenticated to every request without valid credentials', async () => {
      for (const headers of [
        {},
        { authorization: 'Bearer pk_nope' },
        { authorization: 'Basic abc' },
        { cookie: 'parley_session=forged' },
      ]) {
        const response = await app.inject({ method: 'GET', url: '/api/probe', headers });
        expect(response.statusCode).toBe(401);
        expect(response.json()).toEqual({ error: 'unauthenticated' });
      }
    });

    it('answers 403 forbidden naming the required roles when the role does not fit', async () => {
      const sponsor = await session('sponsor@example.com');
      const read = await app.inject({ method: 'GET', url: '/api/probe', headers: { cookie: sponsor.cookie } });
      expect(read.statusCode).toBe(403);
      expect(read.json()).toEqual({ error: 'forbidden', required: ['viewer', 'agent', 'admin'] });

      const viewer = await session('viewer@example.com');
      const change = await app.inject({
        method: 'POST',
        url: '/api/probe',
        headers: { cookie: viewer.cookie, 'x-csrf-token': viewer.csrfToken },
      });
      expect(change.statusCode).toBe(403);
      expect(change.json()).toEqual({ error: 'forbidden', required: ['agent', 'admin'] });
    });

    it('requires the session CSRF token on cookie POSTs but not on bearer POSTs', async () => {
      const agent = await session('agent@example.com');
      const without = await app.inject({ method: 'POST', url: '/api/probe', headers: { cookie: agent.cookie } });
      expect(without.statusCode).toBe(403);
      expect(without.json()).toMatchObject({ error: 'csrf_failed' });
      const other = await session('admin@example.com');
      const wrong = await app.inject({
        method: 'POST',
        url: '/api/probe',
        headers: { cookie: agent.cookie, 'x-csrf-token': other.csrfToken },
      });
      expect(wrong.statusCode).toBe(403);
      const right = await app.inject({
        method: 'POST',
        url: '/api/probe',
        headers: { cookie: agent.cookie, 'x-csrf-token': agent.csrfToken },
      });
      expect(right.statusCode).toBe(200);
      expect(right.json()).toEqual({ changed: true });

      const { token } = await createApiToken(database.store.db, { email: 'agent@example.com', name: 'script' });
      const bearer = await app.inject({
        method: 'POST',
        url: '/api/probe',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(bearer.statusCode).toBe(200);
    });

    it('records the last use of a live API token', async () => {
      const db = database.store.db;
      const { id, token } = await createApiToken(db, { email: 'viewer@example.com', name: 'report' });
      const headers = { authorization: `Bearer ${token}` };
      const before = await app.inject({ method: 'GET', url: '/api/probe', headers });
      expect(before.statusCode).toBe(200);
      expect(before.json()).toEqual({ email: 'viewer@example.com' });
      // Written off the request path, shortly after (src/console/auth/token-use-recorder.ts).
      await vi.waitFor(async () => {
        const row = await db
          .selectFrom('api_tokens')
          .select('last_used_at')
          .where('id', '=', id)
          .executeTakeFirstOrThrow();
        expect(Number(row.last_used_at)).toBe(clock);
      });
    });

    it('refuses a revoked API token', async () => {
      const db = database.store.db;
      const { id, token } = await createApiToken(db, { email: 'viewer@example.com', name: 'revoked' });
      const headers = { authorization: `Bearer ${token}` };
      expect(await revokeApiToken(db, id)).toBe(true);
      const after = await app.inject({ method: 'GET', url: '/api/probe', headers });
      expect(after.statusCode).toBe(401);
    });

    it('serves /api/me with the permissions of the session, its CSRF token included', async () => {
      const agent = await session('agent@example.com');
      const me = await app.inject({ method: 'GET', url: '/api/me', headers: { cookie: agent.cookie } });
      expect(me.json()).toMatchObject({
        user: { email: 'agent@example.com', role: 'agent' },
        permissions: { read: true, reply: true, changeStatus: true, admin: false },
        csrfToken: agent.csrfToken,
      });
    });

    it('ends the session on logout', async () => {
      const agent = await session('agent@example.com');
      const logout = await app.inject({
        method: 'POST',
        url: '/api/logout',
        headers: { cookie: agent.cookie, 'x-csrf-token': agent.csrfToken },
      });
      expect(logout.statusCode).toBe(204);
      expect(String(logout.headers['set-cookie'])).toContain('Max-Age=0');
      const gone = await app.inject({ method: 'GET', url: '/api/me', headers: { cookie: agent.cookie } });
      expect(gone.statusCode).toBe(401);
    });

    it('ends a session once its expiry passes on the clock', async () => {
      const viewer = await session('viewer@example.com');
      clock += DEFAULT_SESSION_TTL_MS - 1;
      expect((await app.inject({ method: 'GET', url: '/api/me', headers: { cookie: viewer.cookie } })).statusCode).toBe(
        200,
      );
      clock += 1;
      expect((await app.inject({ method: 'GET', url: '/api/me', headers: { cookie: viewer.cookie } })).statusCode).toBe(
        401,
      );
    });

    it('puts the security headers on /api responses, including errors', async () => {
      for (const url of ['/api/probe', '/api/me', '/api/nothing-here']) {
        const response = await app.inject({ method: 'GET', url });
        expect(response.headers).toMatchObject({
          'content-security-policy': "default-src 'self'",
          'x-content-type-options': 'nosniff',
          'referrer-policy': 'no-referrer',
          'x-frame-options': 'DENY',
        });
      }
    });

    it('answers 429 with Retry-After after 5 failures for one email, even with the right password, until 15 minutes pass', async () => {
      clock = START + 24 * 60 * 60_000;
      for (let attempt = 0; attempt < 5; attempt += 1) {
        expect((await login('admin@example.com', 'wrong password', `10.1.0.${attempt}`)).statusCode).toBe(401);
        clock += 1_000;
      }
      const blocked = await login('admin@example.com');
      expect(blocked.statusCode).toBe(429);
      // The first failure was 5 s ago; it leaves the 15-minute window in 895 s.
      expect(blocked.headers['retry-after']).toBe('895');
      expect(blocked.json()).toMatchObject({ error: 'too_many_attempts' });
      // Another email from another IP is not affected.
      expect((await login('viewer@example.com', PASSWORD, '10.9.9.9')).statusCode).toBe(200);

      clock += 895_000;
      expect((await login('admin@example.com')).statusCode).toBe(200);
    });

    it('answers 429 after 20 failures from one IP across many emails', async () => {
      clock = START + 48 * 60 * 60_000;
      for (let attempt = 0; attempt < 20; attempt += 1) {
        expect((await login(`nobody${attempt}@example.com`, 'x', '10.2.0.1')).statusCode).toBe(401);
      }
      expect((await login('agent@example.com', PASSWORD, '10.2.0.1')).statusCode).toBe(429);
      expect((await login('agent@example.com', PASSWORD, '10.2.0.2')).statusCode).toBe(200);
    });
  });
}
