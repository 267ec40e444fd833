import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CliError } from '../../src/cli/cli-error.js';
import { register } from '../../src/cli/commands/users.js';
import { registerConsoleAuth } from '../../src/console/auth/register-console-auth.js';
import { sha256Hex } from '../../src/console/auth/secret-tokens.js';
import { createLogger } from '../../src/lib/create-logger.js';
import { createApp } from '../../src/server/create-app.js';
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { commandFailure, runCommand } from '../helpers/run-command.js';

const PASSWORD = 'correct horse battery';
const NEW_PASSWORD = 'another long passphrase';
const HOUR = 60 * 60_000;
const ENV_KEYS = ['PARLEY_DATA_DIR', 'DATABASE_URL', 'PARLEY_USER_PASSWORD', 'LOG_LEVEL'] as const;

for (const kind of DATABASE_KINDS) {
  describe(`parley users administration [${kind}]`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    const clock = { skew: 0 };
    const saved = Object.fromEntries(ENV_KEYS.map((key) => [key, process.env[key]]));

    const run = (...args: string[]): Promise<string> => runCommand(register, ['users', ...args]);

    const failure = (...args: string[]): Promise<CliError> => commandFailure(register, ['users', ...args]);

    async function addUser(email: string, role: string): Promise<void> {
      process.env.PARLEY_USER_PASSWORD = PASSWORD;
      await run('add', email, '--role', role);
      delete process.env.PARLEY_USER_PASSWORD;
    }

    async function issueToken(email: string, ...extra: string[]): Promise<string> {
      return (await run('token', email, '--name', 'script', ...extra)).split('\n')[0] ?? '';
    }

    const login = (email: string, password = PASSWORD): Promise<LightMyRequestResponse> =>
      app.inject({ method: 'POST', url: '/api/login', payload: { email, password } });

    async function session(email: string): Promise<string> {
      const response = await login(email);
      expect(response.statusCode).toBe(200);
      return String([response.headers['set-cookie']].flat()[0]).split(';')[0] ?? '';
    }

    const me = (headers: Record<string, string>) => app.inject({ url: '/api/me', headers });
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

    beforeAll(async () => {
      database = await openTestDatabase(kind);
      delete process.env.PARLEY_DATA_DIR;
      delete process.env.DATABASE_URL;
      if (database.location.dataDir !== undefined) process.env.PARLEY_DATA_DIR = database.location.dataDir;
      if (database.location.databaseUrl !== undefined) process.env.DATABASE_URL = database.location.databaseUrl;
      process.env.LOG_LEVEL = 'silent';
      const logger = createLogger({ level: 'silent' });
      app = createApp({ logger, checkReady: async () => ({}) });
      registerConsoleAuth(app, {
        db: database.store.db,
        logger,
        secureCookies: false,
        now: () => Date.now() + clock.skew,
      });
      await app.ready();
      await addUser('boss@example.com', 'admin');
    });
    afterEach(() => {
      delete process.env.PARLEY_USER_PASSWORD;
      clock.skew = 0;
    });
    afterAll(async () => {
      for (const key of ENV_KEYS) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
      await app?.close();
      await database?.dispose();
    });

    it('issues a token with --expires that stops working when it expires', async () => {
      await addUser('expiring@example.com', 'viewer');
      const before = Date.now();
      const out = await run('token', 'expiring@example.com', '--name', 'short job', '--expires', '12h');
      const token = out.split('\n')[0] ?? '';
      const expires = Date.parse(/Expires (\S+)\./.exec(out)?.[1] ?? '');
      expect(expires).toBeGreaterThanOrEqual(before + 12 * HOUR);
      expect(expires).toBeLessThanOrEqual(Date.now() + 12 * HOUR);
      expect((await me(bearer(token))).statusCode).toBe(200);
      clock.skew = 12 * HOUR + 1000;
      expect((await me(bearer(token))).statusCode).toBe(401);
    });

    it('refuses a malformed --expires as a usage error', async () => {
      for (const value of ['30', 'soon', '0d', '-1h', '5y']) {
        const error = await failure('token', 'boss@example.com', '--name', 'x', '--expires', value);
        expect(error).toMatchObject({ code: 'invalid_duration', exitCode: 2 });
      }
    });

    it('refuses a token without --name as a usage error', async () => {
      expect(await failure('token', 'boss@example.com')).toMatchObject({ code: 'missing_name', exitCode: 2 });
    });

    /** Gives `email` a token used once and a newer one that expires in an hour; lists them. */
    async function listUsedAndExpiringTokens(email: string): Promise<{ token: string; out: string }> {
      await addUser(email, 'agent');
      const token = await issueToken(email);
      await me(bearer(token));
      // The use is written off the request path (token-use-recorder.ts): wait for it, with a bound.
      for (let i = 0; i < 200; i += 1) {
        const row = await database.store.db
          .selectFrom('api_tokens')
          .select('last_used_at')
          .where('token_sha256', '=', sha256Hex(token))
          .executeTakeFirstOrThrow();
        if (row.last_used_at !== null) break;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      await issueToken(email, '--expires', '1h');
      return { token, out: await run('token', 'list', email) };
    }

    it('lists a user’s tokens newest first as a table', async () => {
      const { out } = await listUsedAndExpiringTokens('lister@example.com');
      const lines = out.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^ID\s+NAME\s+CREATED\s+LAST USED\s+EXPIRES\s+STATE$/);
      expect(lines).toHaveLength(3);
      // Newest first: the expiring one has an expiry and no use yet; the used one has a last-used time.
      expect(lines[1]).toMatch(/^\S+\s+script\s+\S+Z\s+-\s+\S+Z\s+active$/);
      expect(lines[2]).toMatch(/^\S+\s+script\s+\S+Z\s+\S+Z\s+-\s+active$/);
    });

    it('never prints a token in the token list', async () => {
      const { token, out } = await listUsedAndExpiringTokens('lister-secret@example.com');
      expect(out).not.toContain(token);
      expect(out).not.toContain(token.slice(3, 20));
    });

    it('revokes a token by its id; the next request with it is 401', async () => {
      await addUser('revoker@example.com', 'agent');
      const byId = await issueToken('revoker@example.com');
      const { id } = await database.store.db
        .selectFrom('api_tokens')
        .select('id')
        .where('token_sha256', '=', sha256Hex(byId))
        .executeTakeFirstOrThrow();
      expect(await run('token', 'list', 'revoker@example.com')).toContain(id);

      expect((await me(bearer(byId))).statusCode).toBe(200);
      expect(await run('token', 'revoke', id)).toBe(`Revoked API token ${id} ("script") of revoker@example.com.\n`);
      expect((await me(bearer(byId))).statusCode).toBe(401);
    });

    it('revokes a token by its value without printing it; the next request with it is 401', async () => {
      await addUser('revoker-value@example.com', 'agent');
      const byValue = await issueToken('revoker-value@example.com');
      const out = await run('token', 'revoke', byValue);
      expect(out).toContain('Revoked API token');
      expect(out).not.toContain(byValue);
      expect((await me(bearer(byValue))).statusCode).toBe(401);
    });

    it('says a token was already revoked', async () => {
      await addUser('revoker-again@example.com', 'agent');
      const byValue = await issueToken('revoker-again@example.com');
      await run('token', 'revoke', byValue);
      expect(await run('token', 'revoke', byValue)).toContain('was already revoked');
    });

    it('refuses to revoke a token it did not issue, without echoing it', async () => {
      const unknown = await failure('token', 'revoke', 'pk_not-a-token-we-issued');
      expect(unknown).toMatchObject({ code: 'token_not_found', exitCode: 1 });
      expect(unknown.message).not.toContain('pk_not-a-token-we-issued');
    });

    /** Adds an agent with an open session and a working token, then disables them. */
    async function disableSignedInUser(email: string) {
      await addUser(email, 'agent');
      const cookie = await session(email);
      const token = await issueToken(email);
      expect((await me({ cookie })).statusCode).toBe(200);
      expect((await me(bearer(token))).statusCode).toBe(200);
      const disabled = await run('disable', email);
      return { cookie, token, disabled };
    }

    it('disables a user: every credential they hold gets 401 on the next request', async () => {
      const { cookie, token, disabled } = await disableSignedInUser('leaky@example.com');
      expect(disabled).toBe('Disabled leaky@example.com: ended 1 session and revoked 1 API token.\n');
      expect((await me({ cookie })).statusCode).toBe(401);
      expect((await me(bearer(token))).statusCode).toBe(401);
    });

    it('refuses a disabled user’s sign-in', async () => {
      await disableSignedInUser('leaky-login@example.com');
      expect((await login('leaky-login@example.com')).statusCode).toBe(401);
    });

    it('lists a disabled user as disabled with no live token', async () => {
      await disableSignedInUser('leaky-list@example.com');
      expect(await run('list')).toMatch(/leaky-list@example\.com\s+agent\s+\S+\s+disabled\s+0/);
    });

    it('lets a re-enabled user sign in again', async () => {
      await disableSignedInUser('leaky-back@example.com');
      expect(await run('enable', 'leaky-back@example.com')).toContain('Enabled leaky-back@example.com.');
      expect((await login('leaky-back@example.com')).statusCode).toBe(200);
    });

    it('keeps every old credential of a re-enabled user revoked', async () => {
      const { cookie, token } = await disableSignedInUser('leaky-old@example.com');
      await run('enable', 'leaky-old@example.com');
      expect((await me(bearer(token))).statusCode).toBe(401);
      expect((await me({ cookie })).statusCode).toBe(401);
    });

    /** Adds a viewer with an open session and a token, then removes them. */
    async function removeSignedInUser(email: string) {
      await addUser(email, 'viewer');
      const cookie = await session(email);
      const token = await issueToken(email);
      const user = await database.store.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', email)
        .executeTakeFirstOrThrow();
      const removed = await run('remove', email);
      return { cookie, token, userId: user.id, removed };
    }

    it('removes a user from the list', async () => {
      const { removed } = await removeSignedInUser('leaving@example.com');
      expect(removed).toBe('Removed leaving@example.com: ended 1 session, revoked 1 API token.\n');
      expect(await run('list')).not.toContain('leaving@example.com');
    });

    it('answers 401 to every credential of a removed user', async () => {
      const { cookie, token } = await removeSignedInUser('leaving-creds@example.com');
      expect((await me({ cookie })).statusCode).toBe(401);
      expect((await me(bearer(token))).statusCode).toBe(401);
    });

    it('deletes every credential row of a removed user', async () => {
      const { userId } = await removeSignedInUser('leaving-rows@example.com');
      const { db } = database.store;
      expect(await db.selectFrom('sessions').select('user_id').where('user_id', '=', userId).execute()).toEqual([]);
      expect(await db.selectFrom('api_tokens').select('user_id').where('user_id', '=', userId).execute()).toEqual([]);
    });

    it('refuses to remove a user twice', async () => {
      await removeSignedInUser('leaving-twice@example.com');
      expect(await failure('remove', 'leaving-twice@example.com')).toMatchObject({
        code: 'user_not_found',
        exitCode: 1,
      });
    });

    it('sets a role, which the next request already carries', async () => {
      await addUser('promoted@example.com', 'viewer');
      const token = await issueToken('promoted@example.com');
      expect(await run('set-role', 'promoted@example.com', 'agent')).toBe(
        'promoted@example.com is now agent (was viewer).\n',
      );
      expect((await me(bearer(token))).json()).toMatchObject({ user: { role: 'agent' } });
    });

    it('refuses a role that does not exist as a usage error', async () => {
      await addUser('unpromoted@example.com', 'viewer');
      expect(await failure('set-role', 'unpromoted@example.com', 'owner')).toMatchObject({
        code: 'invalid_role',
        exitCode: 2,
      });
    });

    /** Adds an agent with an open session, then sets NEW_PASSWORD for them. */
    async function setNewPassword(email: string) {
      await addUser(email, 'agent');
      const cookie = await session(email);
      process.env.PARLEY_USER_PASSWORD = NEW_PASSWORD;
      const out = await run('set-password', email);
      return { cookie, out };
    }

    it('sets a password from PARLEY_USER_PASSWORD', async () => {
      const { out } = await setNewPassword('forgetful@example.com');
      expect(out).toBe('Set a new password for forgetful@example.com; ended 1 session.\n');
      expect((await login('forgetful@example.com', NEW_PASSWORD)).statusCode).toBe(200);
      const row = await database.store.db
        .selectFrom('users')
        .select('password_hash')
        .where('email', '=', 'forgetful@example.com')
        .executeTakeFirstOrThrow();
      expect(row.password_hash).not.toContain(NEW_PASSWORD);
    });

    it('refuses the old password once a new one is set', async () => {
      await setNewPassword('forgetful-old@example.com');
      expect((await login('forgetful-old@example.com')).statusCode).toBe(401);
    });

    it('ends open sessions when a new password is set', async () => {
      const { cookie } = await setNewPassword('forgetful-session@example.com');
      expect((await me({ cookie })).statusCode).toBe(401);
    });

    it('refuses a PARLEY_USER_PASSWORD that is too short', async () => {
      await addUser('forgetful-short@example.com', 'agent');
      process.env.PARLEY_USER_PASSWORD = 'short';
      expect(await failure('set-password', 'forgetful-short@example.com')).toMatchObject({
        code: 'weak_password',
        exitCode: 2,
      });
    });

    it('refuses an empty PARLEY_USER_PASSWORD', async () => {
      await addUser('forgetful-empty@example.com', 'agent');
      process.env.PARLEY_USER_PASSWORD = '';
      expect(await failure('set-password', 'forgetful-empty@example.com')).toMatchObject({
        code: 'missing_password',
        exitCode: 2,
      });
    });

    it('unlocks an email whose sign-ins are throttled', async () => {
      await addUser('locked@example.com', 'agent');
      for (let i = 0; i < 5; i += 1) expect((await login('locked@example.com', 'wrong password')).statusCode).toBe(401);
      expect((await login('locked@example.com')).statusCode).toBe(429);
      expect(await run('unlock', 'locked@example.com')).toContain('Unlocked locked@example.com');
      expect((await login('locked@example.com')).statusCode).toBe(200);
      expect(await run('unlock', 'locked@example.com')).toContain('had no failed sign-ins');
    });

    it('refuses to disable, remove or demote the only enabled admin', async () => {
      for (const args of [
        ['disable', 'boss@example.com'],
        ['remove', 'boss@example.com'],
        ['set-role', 'boss@example.com', 'agent'],
      ]) {
        const error = await failure(...args);
        expect(error).toMatchObject({ code: 'last_admin', exitCode: 1 });
        expect(error.message).toContain('only enabled admin');
      }
      expect((await login('boss@example.com')).statusCode).toBe(200);
      await addUser('deputy@example.com', 'admin');
      expect(await run('set-role', 'boss@example.com', 'agent')).toContain('is now agent');
      await run('set-role', 'boss@example.com', 'admin');
    });

    it('names an unknown email in every command that takes one', async () => {
      for (const args of [
        ['disable', 'ghost@example.com'],
        ['enable', 'ghost@example.com'],
        ['remove', 'ghost@example.com'],
        ['set-role', 'ghost@example.com', 'agent'],
        ['unlock', 'ghost@example.com'],
        ['token', 'list', 'ghost@example.com'],
      ]) {
        const error = await failure(...args);
        expect(error, args.join(' ')).toMatchObject({ code: 'user_not_found', exitCode: 1 });
        expect(error.message).toBe('no user with email ghost@example.com');
      }
    });
  });
}
