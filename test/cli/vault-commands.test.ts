/**
 * `parley init` and `parley keys rotate` driven through their `register` on a fresh commander
 * program, against a temp data directory (SQLite) and a fresh PostgreSQL database. Their output
 * must carry paths, key ids and counts, and never key material.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { CliError } from '../../src/cli/cli-error.js';
import { register as registerInit } from '../../src/cli/commands/init.js';
import { register as registerKeys } from '../../src/cli/commands/keys.js';
import { createLogger } from '../../src/lib/create-logger.js';
import { openDatabase } from '../../src/store/open-database.js';
import { openVault } from '../../src/vault/open-vault.js';
import { openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { aadFor, allEnvelopes, insertConnection, readEnc } from '../vault/connection-rows.js';

const silent = createLogger({ level: 'silent' });
let root: string;
let dataDir: string;
let keyFile: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'parley-vault-cli-'));
  dataDir = join(root, 'data');
  keyFile = join(dataDir, 'master.key');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

interface Run {
  stdout: string;
  error?: CliError;
}

/** Runs `parley <args>` in-process with `env` over a clean parley environment. */
async function parley(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const names = ['PARLEY_DATA_DIR', 'PARLEY_MASTER_KEY', 'DATABASE_URL', 'LOG_LEVEL'];
  const saved = Object.fromEntries(names.map((name) => [name, process.env[name]]));
  for (const name of names) delete process.env[name];
  Object.assign(process.env, { PARLEY_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }, env);
  let stdout = '';
  const program = new Command('parley').exitOverride().configureOutput({
    writeOut: (text) => {
      stdout += text;
    },
    writeErr: () => {},
  });
  registerInit(program);
  registerKeys(program);
  try {
    await program.parseAsync(['node', 'parley', ...args]);
    return { stdout };
  } catch (error) {
    if (error instanceof CliError) return { stdout, error };
    throw error;
  } finally {
    for (const name of names) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  }
}

function expectNoKeyMaterial(text: string, ...keys: Buffer[]): void {
  for (const key of keys) {
    for (const encoding of ['base64', 'base64url', 'hex'] as const) expect(text).not.toContain(key.toString(encoding));
  }
}

async function keyFrom(path: string): Promise<Buffer> {
  return Buffer.from((await readFile(path, 'utf8')).trim(), 'base64');
}

/** Opens the SQLite store and vault the commands used, runs `body`, and closes it again. */
async function withVault<T>(
  masterKey: Buffer,
  body: (vault: Awaited<ReturnType<typeof openVault>>, store: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>,
): Promise<T> {
  const store = await openDatabase({ dataDir, logger: silent });
  try {
    return await body(await openVault({ db: store.db, masterKey, logger: silent }), store);
  } finally {
    await store.close();
  }
}

describe('parley init [sqlite]', () => {
  it('creates the data directory 0700 with a 0600 key file', async () => {
    const run = await parley(['init']);
    expect(run.error).toBeUndefined();
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
  });

  it('initialises the vault in the SQLite file under the new key, printing its data key', async () => {
    const run = await parley(['init']);
    expect(run.stdout).toContain(`sqlite at ${join(dataDir, 'parley.db')}`);
    expect(run.stdout).toMatch(/initialised: data key k_[a-z2-7]{10} active, key check stored/);
    const kid = await withVault(await keyFrom(keyFile), (vault) => vault.currentKeyId());
    expect(run.stdout).toContain(kid);
  });

  it('prints where the key file is, never the key', async () => {
    const run = await parley(['init']);
    expect(run.stdout).toContain(`data directory  ${dataDir} (created, mode 0700)`);
    expect(run.stdout).toContain(`${keyFile} (new, mode 0600)`);
    expect(run.stdout).toContain(`Back up ${keyFile} now`);
    expectNoKeyMaterial(run.stdout, await keyFrom(keyFile));
  });

  it('refuses a second init, leaving the key file untouched', async () => {
    await parley(['init']);
    const before = await readFile(keyFile, 'utf8');
    const run = await parley(['init']);
    expect(run.error?.code).toBe('already_initialised');
    expect(run.error?.message).toContain(keyFile);
    expect(await readFile(keyFile, 'utf8')).toBe(before);
  });

  it('refuses to write a new key for a database initialised with a key that is missing', async () => {
    await parley(['init']);
    await rm(keyFile);
    const run = await parley(['init']);
    expect(run.error?.code).toBe('missing_master_key');
    expect(run.error?.message).toContain(`Restore the original key file to ${keyFile}`);
    expect(existsSync(keyFile)).toBe(false);
  });

  /** `parley init` with a PARLEY_MASTER_KEY of 32 random bytes. */
  async function initWithEnvKey() {
    const key = randomBytes(32);
    const env = { PARLEY_MASTER_KEY: key.toString('base64') };
    return { key, env, first: await parley(['init'], env) };
  }

  it('with PARLEY_MASTER_KEY writes no key file', async () => {
    const { first } = await initWithEnvKey();
    expect(first.error).toBeUndefined();
    expect(first.stdout).toContain('from PARLEY_MASTER_KEY; no key file written');
    expect(existsSync(keyFile)).toBe(false);
  });

  it('with PARLEY_MASTER_KEY, verifies the key on a second run', async () => {
    const { key, env, first } = await initWithEnvKey();
    const second = await parley(['init'], env);
    expect(second.stdout).toContain('already initialised; the master key matches');
    expectNoKeyMaterial(first.stdout + second.stdout, key);
  });

  it('with PARLEY_MASTER_KEY, refuses another key on a later run', async () => {
    const { key } = await initWithEnvKey();
    const other = randomBytes(32);
    const wrong = await parley(['init'], { PARLEY_MASTER_KEY: other.toString('base64') });
    expect(wrong.error?.code).toBe('wrong_master_key');
    expect(wrong.error?.message).toContain('differs from the one this database was initialised with');
    expectNoKeyMaterial(wrong.error?.message ?? '', key, other);
  });

  it('refuses a PARLEY_MASTER_KEY of the wrong length with invalid_master_key, writing no key file', async () => {
    const run = await parley(['init'], { PARLEY_MASTER_KEY: randomBytes(24).toString('base64') });
    expect(run.error?.code).toBe('invalid_master_key');
    expect(run.error?.message).toContain('PARLEY_MASTER_KEY decodes to 24 bytes');
    expect(existsSync(keyFile)).toBe(false);
  });
});

describe('parley keys rotate [sqlite]', () => {
  const TOKEN = 'refresh-token-cli-rotation-5d1e';

  /** An initialised vault holding one refresh token, then `parley keys rotate`. */
  async function rotatedDataKey() {
    await parley(['init']);
    const key = await keyFrom(keyFile);
    const oldKid = await withVault(key, async (vault, store) => {
      await insertConnection(store.db, 'c1', {
        refresh_token_enc: await vault.encrypt(TOKEN, aadFor('c1', 'refresh_token_enc')),
      });
      return vault.currentKeyId();
    });
    // Real time: the rotation waits out other processes' active-key caches (2 × 2 s).
    const run = await parley(['keys', 'rotate']);
    return { key, oldKid, run };
  }

  it('prints the passes of a data key rotation, not the secrets', async () => {
    const { key, oldKid, run } = await rotatedDataKey();
    expect(run.stdout).toContain(`Rotating the vault data key (was ${oldKid})`);
    expect(run.stdout).toMatch(/pass 1: re-encrypted 1 of 1 values under k_/);
    expect(run.stdout).toMatch(/pass 2: nothing left under old keys; waiting \d\.\d s for running parley processes/);
    expect(run.stdout).toContain(`retired ${oldKid} (still readable)`);
    expect(run.stdout).toContain('Re-encrypted 1 values in 3 passes; 0 remain under old keys.');
    expectNoKeyMaterial(run.stdout, key);
    expect(run.stdout).not.toContain(TOKEN);
    const newKid = await withVault(key, (vault) => vault.currentKeyId());
    expect(run.stdout).toContain(`New data key ${newKid} is active`);
  });

  it('re-encrypts every stored secret under a new data key', async () => {
    const { key, oldKid, run } = await rotatedDataKey();
    expect(run.error).toBeUndefined();
    await withVault(key, async (vault, store) => {
      const newKid = await vault.currentKeyId();
      expect(newKid).not.toBe(oldKid);
      expect((await allEnvelopes(store.db)).every((e) => e.startsWith(`v1.${newKid}.`))).toBe(true);
      expect(
        await vault.decrypt(await readEnc(store.db, 'c1', 'refresh_token_enc'), aadFor('c1', 'refresh_token_enc')),
      ).toBe(TOKEN);
    });
  });

  it('rotates the master key to a new 0600 key file; only the new key opens the vault afterwards', async () => {
    await parley(['init']);
    const oldKey = await keyFrom(keyFile);
    await withVault(oldKey, async (vault, store) => {
      await insertConnection(store.db, 'c2', {
        access_token_enc: await vault.encrypt(TOKEN, aadFor('c2', 'access_token_enc')),
      });
    });
    const newFile = join(root, 'next.key');
    const sameFile = await parley(['keys', 'rotate', '--master-key-file', keyFile]);
    expect(sameFile.error?.code).toBe('invalid_argument');
    expect(sameFile.error?.exitCode).toBe(2);

    const run = await parley(['keys', 'rotate', '--master-key-file', newFile]);
    expect(run.error).toBeUndefined();
    expect((await stat(newFile)).mode & 0o777).toBe(0o600);
    const newKey = await keyFrom(newFile);
    expect(run.stdout).toContain(`Master key rotated to ${newFile} (new, mode 0600): 1 data keys re-wrapped`);
    expect(run.stdout).toContain(`Next: mv ${newFile} ${keyFile}`);
    expectNoKeyMaterial(run.stdout, oldKey, newKey);

    await expect(withVault(oldKey, async () => {})).rejects.toMatchObject({ code: 'wrong_master_key' });
    await withVault(newKey, async (vault, store) => {
      expect(
        await vault.decrypt(await readEnc(store.db, 'c2', 'access_token_enc'), aadFor('c2', 'access_token_enc')),
      ).toBe(TOKEN);
    });
  });

  it('without a master key says how to get one', async () => {
    const run = await parley(['keys', 'rotate']);
    expect(run.error?.code).toBe('missing_master_key');
    expect(run.error?.message).toContain('parley init');
  });
});

describe('parley init [postgres]', () => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await openTestDatabase('postgres', { migrate: false });
  });
  afterEach(async () => {
    await database.dispose();
  });

  it('prints the URL of the database it migrated without its password', async () => {
    const databaseUrl = database.location.databaseUrl!;
    const password = new URL(inject('postgresAdminUrl')).password;
    const run = await parley(['init'], { DATABASE_URL: databaseUrl });
    expect(run.error).toBeUndefined();
    expect(run.stdout).toMatch(/database {8}postgres at postgres(ql)?:\/\/\S+ \(migrated\)/);
    if (password) expect(run.stdout).not.toContain(`:${password}@`);
    expectNoKeyMaterial(run.stdout, await keyFrom(keyFile));
  });

  it('initialises the vault in the PostgreSQL database, not in a SQLite file', async () => {
    const run = await parley(['init'], { DATABASE_URL: database.location.databaseUrl! });
    expect(run.error).toBeUndefined();
    const checks = await database.store.db
      .selectFrom('settings')
      .select('key')
      .where('key', '=', 'vault.key_check')
      .execute();
    expect(checks).toHaveLength(1);
    // The SQLite file was not created: Postgres holds the vault.
    expect(existsSync(join(dataDir, 'parley.db'))).toBe(false);
  });
});
