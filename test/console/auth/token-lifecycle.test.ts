/**
 * An API token's end: POST /api/logout with a bearer token revokes it, and a token past its expiry is
 * refused. registerConsoleAuth on a real Fastify app over both databases, with an injected clock.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerConsoleAuth } from '../../../src/console/auth/register-console-auth.js';
import { addUser, createApiToken } from '../../../src/console/auth/user-accounts.js';
import { createLogger } from '../../../src/lib/create-logger.js';
import { createApp } from '../../../src/server/create-app.js';
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from '../../helpers/databases.js';
import { TEST_PASSWORD_COST } from '../../helpers/password-cost.js';

const START = Date.UTC(2026, 2, 2, 9, 0, 0);

for (const kind of DATABASE_KINDS) {
  describe(`API token lifecycle [${kind}]`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    let clock = START;

    beforeAll(async () => {
      database = await openTestDatabase(kind);
      await addUser(database.store.db, {
        email: 'script@example.com',
        password: 'a long enough password',
        role: 'agent',
        passwordCost: TEST_PASSWORD_COST,
      });
      const logger = createLogger({ level: 'silent' });
      app = createApp({ logger, checkReady: async () => ({}) });
      registerConsoleAuth(app, { db: database.store.db, logger, secureCookies: false, now: () => clock });
      await app.ready();
    });
    afterAll(async () => {
      await app?.close();
      await database?.dispose();
    });

    const me = (token: string) => app.inject({ url: '/api/me', headers: { authorization: `Bearer ${token}` } });

    it('revokes the bearer token that calls POST /api/logout, so the next request with it is 401', async () => {
      const { id, token } = await createApiToken(database.store.db, { email: 'script@example.com', name: 'job' });
      const other = await createApiToken(database.store.db, { email: 'script@example.com', name: 'other job' });
      expect((await me(token)).statusCode).toBe(200);
      const logout = await app.inject({
        method: 'POST',
        url: '/api/logout',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(logout.statusCode).toBe(204);
      expect((await me(token)).statusCode).toBe(401);
      const row = await database.store.db
        .selectFrom('api_tokens')
        .select('revoked_at')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      expect(Number(row.revoked_at)).toBe(clock);
      // Only that token: the user's other tokens keep working.
      expect((await me(other.token)).statusCode).toBe(200);
    });

    it('refuses a token from the moment its expiry passes', async () => {
      const { token, expiresAt } = await createApiToken(
        database.store.db,
        { email: 'script@example.com', name: 'nightly', expiresInMs: 60_000 },
        () => clock,
      );
      expect(expiresAt).toBe(clock + 60_000);
      clock += 59_999;
      expect((await me(token)).statusCode).toBe(200);
      clock += 1;
      const expired = await me(token);
      expect(expired.statusCode).toBe(401);
      expect(expired.json()).toEqual({ error: 'unauthenticated' });
    });
  });
}
