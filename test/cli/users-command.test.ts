import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CliError } from '../../src/cli/cli-error.js';
import { register } from '../../src/cli/commands/users.js';
import { sha256Hex } from '../../src/console/auth/secret-tokens.js';
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { commandFailure, runCommand } from '../helpers/run-command.js';

const PASSWORD = 'correct horse battery';
const ENV_KEYS = ['PARLEY_DATA_DIR', 'DATABASE_URL', 'PARLEY_USER_PASSWORD', 'LOG_LEVEL'] as const;

for (const kind of DATABASE_KINDS) {
  describe(`parley users [${kind}]`, () => {
    let database: TestDatabase;
    const saved = Object.fromEntries(ENV_KEYS.map((key) => [key, process.env[key]]));

    const run = (...args: string[]): Promise<string> => runCommand(register, ['users', ...args]);

    const failure = (...args: string[]): Promise<CliError> => commandFailure(register, ['users', ...args]);

    beforeAll(async () => {
      database = await openTestDatabase(kind);
      delete process.env.PARLEY_DATA_DIR;
      delete process.env.DATABASE_URL;
      if (database.location.dataDir !== undefined) process.env.PARLEY_DATA_DIR = database.location.dataDir;
      if (database.location.databaseUrl !== undefined) process.env.DATABASE_URL = database.location.databaseUrl;
      process.env.LOG_LEVEL = 'silent';
    });
    afterEach(() => {
      delete process.env.PARLEY_USER_PASSWORD;
    });
    afterAll(async () => {
      for (const key of ENV_KEYS) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
      await database?.dispose();
    });

    // The one user added here is the agent every later test of this file works with.
    describe('add', () => {
      let added: string;
      beforeAll(async () => {
        process.env.PARLEY_USER_PASSWORD = PASSWORD;
        added = await run('add', 'Agent@Example.com', '--role', 'agent');
      });
      const users = () => database.store.db.selectFrom('users').selectAll().execute();

      it('adds a user with the password from PARLEY_USER_PASSWORD, lowercasing the email', async () => {
        expect(added).toBe('Added agent@example.com as agent.\n');
        const rows = await users();
        expect(rows).toHaveLength(1);
        expect(rows[0]).toMatchObject({ email: 'agent@example.com', role: 'agent', disabled_at: null });
      });

      it('stores only a scrypt hash of the password', async () => {
        const rows = await users();
        expect(rows[0]?.password_hash).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{86}$/);
        expect(JSON.stringify(rows)).not.toContain(PASSWORD);
      });
    });

    it('refuses a password shorter than 12 characters', async () => {
      process.env.PARLEY_USER_PASSWORD = 'short';
      expect(await failure('add', 'new@example.com', '--role', 'viewer')).toMatchObject({ code: 'weak_password' });
    });

    it('refuses a missing password', async () => {
      // An empty variable counts as no password (stdin is never read when the variable is set).
      process.env.PARLEY_USER_PASSWORD = '';
      expect(await failure('add', 'new@example.com', '--role', 'viewer')).toMatchObject({ code: 'missing_password' });
    });

    it('refuses an unknown role, naming the roles there are', async () => {
      process.env.PARLEY_USER_PASSWORD = PASSWORD;
      const role = await failure('add', 'new@example.com', '--role', 'owner');
      expect(role).toMatchObject({ code: 'invalid_role' });
      expect(role.message).toContain('viewer, agent, admin, sponsor');
    });

    it('refuses an email that is taken, whatever its case', async () => {
      process.env.PARLEY_USER_PASSWORD = PASSWORD;
      expect(await failure('add', 'AGENT@example.com', '--role', 'viewer')).toMatchObject({ code: 'user_exists' });
    });

    // The one token issued here is the one the list below counts.
    describe('token', () => {
      let out: string;
      let token: string;
      beforeAll(async () => {
        out = await run('token', 'agent@example.com', '--name', 'nightly export');
        token = out.split('\n')[0] ?? '';
      });

      it('prints a new pk_ API token once', async () => {
        expect(token).toMatch(/^pk_[\w-]{43}$/);
        expect(out).toContain('Shown once');
      });

      it('stores only the SHA-256 digest of a new token', async () => {
        const rows = await database.store.db.selectFrom('api_tokens').selectAll().execute();
        expect(rows).toHaveLength(1);
        expect(rows[0]).toMatchObject({ name: 'nightly export', token_sha256: sha256Hex(token), revoked_at: null });
        expect(JSON.stringify(rows)).not.toContain(token.slice(3));
      });
    });

    it('refuses a token for an unknown user', async () => {
      expect(await failure('token', 'nobody@example.com', '--name', 'x')).toMatchObject({ code: 'user_not_found' });
    });

    it('lists users as a table with their active token count', async () => {
      process.env.PARLEY_USER_PASSWORD = PASSWORD;
      await run('add', 'boss@example.com', '--role', 'admin');
      const lines = (await run('list')).trimEnd().split('\n');
      expect(lines[0]).toMatch(/^EMAIL\s+ROLE\s+CREATED\s+STATUS\s+TOKENS$/);
      expect(lines[1]).toMatch(/^agent@example\.com\s+agent\s+\S+\s+active\s+1$/);
      expect(lines[2]).toMatch(/^boss@example\.com\s+admin\s+\S+\s+active\s+0$/);
      expect(lines).toHaveLength(3);
    });
  });
}
