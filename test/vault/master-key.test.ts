/**
 * The master key's two sources: PARLEY_MASTER_KEY wins, otherwise the key file, which
 * must be readable by its owner only. Every failure names its source and the fix, never the key.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKeyFile, loadMasterKey } from '../../src/vault/master-key.js';
import { VaultError } from '../../src/vault/vault-error.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parley-master-key-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function vaultError(promise: Promise<unknown>): Promise<VaultError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(VaultError);
  return error as VaultError;
}

describe('createKeyFile', () => {
  it('writes 32 random bytes in base64 with a newline, with mode 0600, creating the directory 0700', async () => {
    const path = join(dir, 'data', 'master.key');
    await createKeyFile(path);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'data'))).mode & 0o777).toBe(0o700);
    const text = await readFile(path, 'utf8');
    expect(text).toMatch(/^[A-Za-z0-9+/]{43}=\n$/);
    expect(Buffer.from(text.trim(), 'base64')).toHaveLength(32);
    expect(await loadMasterKey({ env: {}, keyFile: path })).toEqual(Buffer.from(text.trim(), 'base64'));
  });

  it('refuses to overwrite an existing key file, leaving it unchanged', async () => {
    const path = join(dir, 'master.key');
    await createKeyFile(path);
    const before = await readFile(path, 'utf8');
    const error = await vaultError(createKeyFile(path));
    expect(error.code).toBe('key_file_exists');
    expect(error.message).toContain(path);
    expect(await readFile(path, 'utf8')).toBe(before);
  });
});

describe('loadMasterKey', () => {
  it('takes PARLEY_MASTER_KEY over the key file', async () => {
    const path = join(dir, 'master.key');
    await createKeyFile(path);
    const fromEnv = randomBytes(32);
    const key = await loadMasterKey({ env: { PARLEY_MASTER_KEY: fromEnv.toString('base64') }, keyFile: path });
    expect(key).toEqual(fromEnv);
  });

  it('refuses a key file with mode 0644 with an error giving the chmod fix, not the key', async () => {
    const path = join(dir, 'master.key');
    await createKeyFile(path);
    await chmod(path, 0o644);
    const content = (await readFile(path, 'utf8')).trim();
    const error = await vaultError(loadMasterKey({ env: {}, keyFile: path }));
    expect(error.code).toBe('invalid_master_key');
    expect(error.message).toContain(`chmod 600 ${path}`);
    expect(error.message).toContain('0644');
    expect(error.message).not.toContain(content);
  });

  it('refuses a group-readable key file (0640) too', async () => {
    const path = join(dir, 'master.key');
    await createKeyFile(path);
    await chmod(path, 0o640);
    expect((await vaultError(loadMasterKey({ env: {}, keyFile: path }))).code).toBe('invalid_master_key');
  });

  it('answers missing_master_key, naming both ways to provide one, when neither source exists', async () => {
    const path = join(dir, 'nowhere', 'master.key');
    const error = await vaultError(loadMasterKey({ env: { PARLEY_MASTER_KEY: '' }, keyFile: path }));
    expect(error.code).toBe('missing_master_key');
    expect(error.message).toContain('parley init');
    expect(error.message).toContain('PARLEY_MASTER_KEY');
    expect(error.message).toContain(path);
  });

  it('refuses a PARLEY_MASTER_KEY of 16 bytes as invalid_master_key naming the variable, not the value', async () => {
    const short = randomBytes(16).toString('base64');
    const error = await vaultError(loadMasterKey({ env: { PARLEY_MASTER_KEY: short }, keyFile: join(dir, 'x') }));
    expect(error.code).toBe('invalid_master_key');
    expect(error.message).toContain('PARLEY_MASTER_KEY');
    expect(error.message).toContain('16 bytes');
    expect(error.message).not.toContain(short);
  });

  it('refuses a PARLEY_MASTER_KEY that is not base64', async () => {
    const error = await vaultError(
      loadMasterKey({ env: { PARLEY_MASTER_KEY: 'not base64 at all!' }, keyFile: join(dir, 'x') }),
    );
    expect(error.code).toBe('invalid_master_key');
    expect(error.message).toMatch(/PARLEY_MASTER_KEY is not valid base64/);
  });

  it('refuses a key file holding 31 bytes, naming the file', async () => {
    const path = join(dir, 'master.key');
    await writeFile(path, `${randomBytes(31).toString('base64')}\n`, { mode: 0o600 });
    const error = await vaultError(loadMasterKey({ env: {}, keyFile: path }));
    expect(error.code).toBe('invalid_master_key');
    expect(error.message).toContain(`the master key file ${path} decodes to 31 bytes`);
  });
});
