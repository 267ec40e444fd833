/**
 * Login throttling under concurrency, over real HTTP on both databases: the attempt is reserved with
 * one atomic increment before the password hash runs, so parallel guesses cannot all slip past a
 * check that ran before any of them was recorded.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_FAILURES_PER_EMAIL, MAX_FAILURES_PER_IP } from '../../../src/console/auth/login-rate-limit.js';
import { registerConsoleAuth } from '../../../src/console/auth/register-console-auth.js';
import { addUser } from '../../../src/console/auth/user-accounts.js';
import { createLogger } from '../../../src/lib/create-logger.js';
import { createApp } from '../../../src/server/create-app.js';
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from '../../helpers/databases.js';

const PASSWORD = 'a long enough password';
const GUESSES = 40;

for (const kind of DATABASE_KINDS) {
  describe(`login throttling under concurrency [${kind}]`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    let baseUrl: string;

    beforeAll(async () => {
      database = await openTestDatabase(kind);
      await addUser(database.store.db, { email: 'target@example.com', password: PASSWORD, role: 'admin' });
      await addUser(database.store.db, { email: 'colleague@example.com', password: PASSWORD, role: 'agent' });
      const logger = createLogger({ level: 'silent' });
      app = createApp({ logger, checkReady: async () => ({}) });
      registerConsoleAuth(app, { db: database.store.db, logger, secureCookies: false });
      await app.listen({ host: '127.0.0.1', port: 0 });
      const address = app.server.address();
      baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    });
    afterAll(async () => {
      await app?.close();
      await database?.dispose();
    });

    const login = (password: string, email = 'target@example.com') =>
      fetch(`${baseUrl}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password }),
      });

    it(`locks an account after at most ${MAX_FAILURES_PER_EMAIL} of ${GUESSES} parallel wrong passwords, answering 429 with Retry-After`, async () => {
      const responses = await Promise.all(Array.from({ length: GUESSES }, (_, i) => login(`wrong guess ${i}`)));
      const statuses = responses.map((response) => response.status);
      const judged = statuses.filter((status) => status === 401).length;
      expect(judged).toBeGreaterThan(0);
      expect(judged).toBeLessThanOrEqual(MAX_FAILURES_PER_EMAIL);
      expect(statuses.filter((status) => status === 429)).toHaveLength(GUESSES - judged);
      for (const response of responses.filter((r) => r.status === 429)) {
        expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      }
      // The right password is throttled too until the window passes: the lock is per account, not per guess.
      expect((await login(PASSWORD)).status).toBe(429);
    });

    it('gives a successful login its IP slot back, so colleagues behind one address are not locked out', async () => {
      // Every request here comes from 127.0.0.1; more successes than the IP limit must all pass.
      for (let i = 0; i < MAX_FAILURES_PER_IP + 5; i += 1) {
        expect((await login(PASSWORD, 'colleague@example.com')).status).toBe(200);
      }
    });

    it(`judges at most ${MAX_FAILURES_PER_IP} parallel wrong passwords from one IP across many emails`, async () => {
      await database.store.db.deleteFrom('login_attempts').execute();
      const responses = await Promise.all(
        Array.from({ length: GUESSES }, (_, i) => login('wrong', `nobody${i}@example.com`)),
      );
      const judged = responses.filter((response) => response.status === 401).length;
      expect(judged).toBeGreaterThan(0);
      expect(judged).toBeLessThanOrEqual(MAX_FAILURES_PER_IP);
      expect(responses.filter((response) => response.status === 429)).toHaveLength(GUESSES - judged);
    });
  });
}
