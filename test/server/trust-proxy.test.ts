/**
 * `server.trustProxy`: behind a reverse proxy every request comes from the proxy's address. With it on,
 * the client address (request.ip) is the one X-Forwarded-For names, so the per-IP login limit holds
 * each client back on its own; with it off (the default) the header is ignored. Both databases (the
 * limit is counted in the store).
 *
 * Each wrong guess names a different user, so only the per-IP limit can refuse. The users exist, hashed
 * at the test cost (test/helpers/password-cost.ts): a guess for an unknown email is checked against a
 * production-cost hash, and the eight cases make some 170 guesses.
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { MAX_FAILURES_PER_IP } from '../../src/console/auth/login-rate-limit.js';
import { registerConsoleAuth } from '../../src/console/auth/register-console-auth.js';
import { addUser } from '../../src/console/auth/user-accounts.js';
import { createLogger } from '../../src/lib/create-logger.js';
import { createApp } from '../../src/server/create-app.js';
import type { Store } from '../../src/store/open-database.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { TEST_PASSWORD_COST } from '../helpers/password-cost.js';

const PROXY = '10.0.0.2';
/** Enough users for one case: the per-IP limit's guesses, the refused one, and one from another client. */
const USERS = MAX_FAILURES_PER_IP + 2;
const userEmail = (n: number) => `user-${n}@parley.test`;

describeEachDatabase('client address behind a reverse proxy', (getStore: () => Store) => {
  let app: FastifyInstance | undefined;
  beforeAll(async () => {
    await Promise.all(
      Array.from({ length: USERS }, (_, n) =>
        addUser(getStore().db, {
          email: userEmail(n),
          password: 'the right password',
          role: 'viewer',
          passwordCost: TEST_PASSWORD_COST,
        }),
      ),
    );
  });
  afterEach(async () => {
    await app?.close();
    await getStore().db.deleteFrom('login_attempts').execute();
  });

  async function consoleBehindProxy(trustProxy: boolean | number | string[]): Promise<FastifyInstance> {
    const logger = createLogger({ level: 'silent' });
    app = createApp({ logger, checkReady: async () => ({}), server: { trustProxy } });
    registerConsoleAuth(app, { db: getStore().db, logger, secureCookies: false });
    await app.ready();
    return app;
  }

  /** A wrong password for the next user (so only the per-IP limit can refuse), via the proxy. */
  let attempt = 0;
  const wrongLogin = (target: FastifyInstance, client: string) =>
    target.inject({
      method: 'POST',
      url: '/api/login',
      remoteAddress: PROXY,
      headers: { 'x-forwarded-for': client },
      payload: { email: userEmail(attempt++ % USERS), password: 'not the password' },
    });

  async function exhaust(target: FastifyInstance, client: string): Promise<void> {
    for (let n = 0; n < MAX_FAILURES_PER_IP; n++) expect((await wrongLogin(target, client)).statusCode).toBe(401);
    expect((await wrongLogin(target, client)).statusCode).toBe(429);
  }

  it.each([
    ['the proxy address', [PROXY]],
    ['true', true],
    ['a hop count', 1],
  ] as const)('with trustProxy on (%s), throttles two X-Forwarded-For addresses separately', async (_name, trust) => {
    const target = await consoleBehindProxy(typeof trust === 'object' ? [...trust] : trust);
    await exhaust(target, '198.51.100.7');
    expect((await wrongLogin(target, '203.0.113.9')).statusCode).toBe(401);
  });

  it('with trustProxy off, ignores X-Forwarded-For: every client behind the proxy shares its limit', async () => {
    const target = await consoleBehindProxy(false);
    await exhaust(target, '198.51.100.7');
    expect((await wrongLogin(target, '203.0.113.9')).statusCode).toBe(429);
  });
});
