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

    it('issues a token with --expires that works until then and is answered 401 after', async () => {
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

    it('refuses a malformed --expires and a missing --name as usage errors', async () => {
      for (const value of ['30', 'soon', '0d', '-1h', '5y']) {
        const error = await failure('token', 'boss@example.com', '--name', 'x', '--expires', value);
        expect(error).toMatchObject({ code: 'invalid_duration', exitCode: 2 });
      }
      expect(await failure('token', 'boss@example.com')).toMatchObject({ code: 'missing_name', exitCode: 2 });
    });

    it('lists a user’s tokens with id, name, dates and state, never the token', async () => {
      await addUser('lister@example.com', 'agent');
      const token = await issueToken('lister@example.com');
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
      await issueToken('lister@example.com', '--expires', '1h');
      const out = await run('token', 'list', 'lister@example.com');
      const lines = out.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^ID\s+NAME\s+CREATED\s+LAST USED\s+EXPIRES\s+STATE$/);
      expect(lines).toHaveLength(3);
      // Newest first: the expiring one has an expiry and no use yet; the used one has a last-used time.
      expect(lines[1]).toMatch(/^\S+\s+script\s+\S+Z\s+-\s+\S+Z\s+active$/);
      expect(lines[2]).toMatch(/^\S+\s+script\s+\S+Z\s+\S+Z\s+-\s+active$/);
      expect(out).not.toContain(token);
      expect(out).not.toContain(token.slice(3, 20));
    });

    it('revokes a token by its id and by its value; the next request with it is 401', async () => {
      await addUser('revoker@example.com', 'agent');
      const byId = await issueToken('revoker@example.com');
      const byValue = await issueToken('revoker@example.com');
      const { id } = await database.store.db
        .selectFrom('api_tokens')
        .select('id')
        .where('token_sha256', '=', sha256Hex(byId))
        .executeTakeFirstOrThrow();
      expect(await run('token', 'list', 'revoker@example.com')).toContain(id);

      expect((await me(bearer(byId))).statusCode).toBe(200);
      expect(await run('token', 'revoke', id)).toBe(`Revoked API token ${id} ("script") of revoker@example.com.\n`);
      expect((await me(bearer(byId))).statusCode).toBe(401);

      const out = await run('token', 'revoke', byValue);
      expect(out).toContain('Revoked API token');
      expect(out).not.toContain(byValue);
      expect((await me(bearer(byValue))).statusCode).toBe(401);
      expect(await run('token', 'revoke', byValue)).toContain('was already revoked');

      const unknown = await failure('token', 'revoke', 'pk_not-a-token-we-issued');
      expect(unknown).toMatchObject({ code: 'token_not_found', exitCode: 1 });
      expect(unknown.message).not.toContain('pk_not-a-token-we-issued');
    });

    it('disables a user: their open session and their token get 401 on the next request; enable lets them sign in again with tokens still revoked', async () => {
      await addUser('leaky@example.com', 'agent');
      const cookie = await session('leaky@example.com');
      const token = await issueToken('leaky@example.com');
      expect((await me({ cookie })).statusCode).toBe(200);
      expect((await me(bearer(token))).statusCode).toBe(200);

      expect(await run('disable', 'leaky@example.com')).toBe(
        'Disabled leaky@example.com: ended 1 session and revoked 1 API token.\n',
      );
      expect((await me({ cookie })).statusCode).toBe(401);
      expect((await me(bearer(token))).statusCode).toBe(401);
      expect((await login('leaky@example.com')).statusCode).toBe(401);
      expect(await run('list')).toMatch(/leaky@example\.com\s+agent\s+\S+\s+disabled\s+0/);

      expect(await run('enable', 'leaky@example.com')).toContain('Enabled leaky@example.com.');
      expect((await login('leaky@example.com')).statusCode).toBe(200);
      expect((await me(bearer(token))).statusCode).toBe(401);
      expect((await me({ cookie })).statusCode).toBe(401);
    });

    it('removes a user with their sessions and tokens', async () => {
      await addUser('leaving@example.com', 'viewer');
      const cookie = await session('leaving@example.com');
      const token = await issueToken('leaving@example.com');
      const { db } = database.store;
      const user = await db
        .selectFrom('users')
        .select('id')
        .where('email', '=', 'leaving@example.com')
        .executeTakeFirstOrThrow();
      expect(await run('remove', 'leaving@example.com')).toBe(
        'Removed leaving@example.com: ended 1 session, revoked 1 API token.\n',
      );
      expect((await me({ cookie })).statusCode).toBe(401);
      expect((await me(bearer(token))).statusCode).toBe(401);
      expect(await run('list')).not.toContain('leaving@example.com');
      expect(await db.selectFrom('sessions').select('user_id').where('user_id', '=', user.id).execute()).toEqual([]);
      expect(await db.selectFrom('api_tokens').select('user_id').where('user_id', '=', user.id).execute()).toEqual([]);
      expect(await failure('remove', 'leaving@example.com')).toMatchObject({ code: 'user_not_found', exitCode: 1 });
    });

    it('sets a role, which the next request already carries', async () => {
      await addUser('promoted@example.com', 'viewer');
      const token = await issueToken('promoted@example.com');
      expect(await run('set-role', 'promoted@example.com', 'agent')).toBe(
        'promoted@example.com is now agent (was viewer).\n',
      );
      expect((await me(bearer(token))).json()).toMatchObject({ user: { role: 'agent' } });
      expect(await failure('set-role', 'promoted@example.com', 'owner')).toMatchObject({
        code: 'invalid_role',
        exitCode: 2,
      });
    });

    it('sets a password from PARLEY_USER_PASSWORD: the old one stops working and open sessions end', async () => {
      await addUser('forgetful@example.com', 'agent');
      const cookie = await session('forgetful@example.com');
      process.env.PARLEY_USER_PASSWORD = NEW_PASSWORD;
      expect(await run('set-password', 'forgetful@example.com')).toBe(
        'Set a new password for forgetful@example.com; ended 1 session.\n',
      );
      expect((await me({ cookie })).statusCode).toBe(401);
      expect((await login('forgetful@example.com')).statusCode).toBe(401);
      expect((await login('forgetful@example.com', NEW_PASSWORD)).statusCode).toBe(200);
      const row = await database.store.db
        .selectFrom('users')
        .select('password_hash')
        .where('email', '=', 'forgetful@example.com')
        .executeTakeFirstOrThrow();
      expect(row.password_hash).not.toContain(NEW_PASSWORD);

      process.env.PARLEY_USER_PASSWORD = 'short';
      expect(await failure('set-password', 'forgetful@example.com')).toMatchObject({
        code: 'weak_password',
        exitCode: 2,
      });
      process.env.PARLEY_USER_PASSWORD = '';
      expect(await failure('set-password', 'forgetful@example.com')).toMatchObject({
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
