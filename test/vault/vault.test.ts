/**
 * The vault on both databases: round trip,
 * every kind of tampering fails with its code, the wrong master key stops the open, concurrent
 * first opens agree on one key check and one data key, and a failing decrypt leaks nothing.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/lib/create-logger.js';
import { openDatabase, type Store } from '../../src/store/open-database.js';
import { unseal } from '../../src/vault/aes-gcm.js';
import { parseWrappedKey } from '../../src/vault/envelope.js';
import { openVault, type VaultHandle } from '../../src/vault/open-vault.js';
import type { VaultAad } from '../../src/vault/types.js';
import { VaultError } from '../../src/vault/vault-error.js';
import { describeEachDatabase, openTestDatabase } from '../helpers/databases.js';
import { aadFor, insertConnection, readEnc } from './connection-rows.js';

const silent = createLogger({ level: 'silent' });
const TOKEN = 'ghl-access-7f3a9c2e51d84b06a1c3';

async function vaultError(promise: Promise<unknown>): Promise<VaultError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(VaultError);
  return error as VaultError;
}

/** Replaces envelope part `index` (0 version, 1 kid, 2 iv, 3 tag, 4 ct) with `change(bytes)`. */
function tamper(envelope: string, index: 2 | 3 | 4, change: (bytes: Buffer) => void): string {
  const parts = envelope.split('.');
  const bytes = Buffer.from(parts[index]!, 'base64url');
  change(bytes);
  parts[index] = bytes.toString('base64url');
  return parts.join('.');
}

const flipFirstBit = (bytes: Buffer) => {
  bytes[0] = bytes[0]! ^ 0x01;
};

describeEachDatabase('vault', (getStore) => {
  const masterKey = randomBytes(32);
  let vault: VaultHandle;
  const aad: VaultAad = aadFor('conn_a', 'access_token_enc');

  it('initialises an empty database on first open', async () => {
    vault = await openVault({ db: getStore().db, masterKey, logger: silent });
    expect(vault.initialised).toBe(true);
    expect(await vault.currentKeyId()).toMatch(/^k_[a-z2-7]{10}$/);
  });

  it('round-trips a token under the active key', async () => {
    const kid = await vault.currentKeyId();
    const envelope = await vault.encrypt(TOKEN, aad);
    expect(envelope).toMatch(new RegExp(`^v1\\.${kid}\\.[\\w-]{16}\\.[\\w-]{22}\\.[\\w-]+$`));
    expect(envelope).not.toContain(TOKEN);
    expect(await vault.decrypt(envelope, aad)).toBe(TOKEN);
    expect(await vault.decrypt(await vault.encrypt('', aad), aad)).toBe('');
  });

  it('uses a fresh IV for each encryption of the same value', async () => {
    const [a, b] = [await vault.encrypt(TOKEN, aad), await vault.encrypt(TOKEN, aad)];
    expect(a.split('.')[2]).not.toBe(b.split('.')[2]);
    expect(a).not.toBe(b);
  });

  it('opens again with the same master key without initialising a second time', async () => {
    const again = await openVault({ db: getStore().db, masterKey, logger: silent });
    expect(again.initialised).toBe(false);
    expect(await again.currentKeyId()).toBe(await vault.currentKeyId());
    expect(await again.decrypt(await vault.encrypt(TOKEN, aad), aad)).toBe(TOKEN);
    const keys = await getStore().db.selectFrom('vault_keys').selectAll().execute();
    expect(keys).toHaveLength(1);
  });

  it.each([
    ['a changed ciphertext byte', (e: string) => tamper(e, 4, flipFirstBit)],
    ['a changed tag', (e: string) => tamper(e, 3, flipFirstBit)],
    ['a changed IV', (e: string) => tamper(e, 2, flipFirstBit)],
  ])('fails with decrypt_failed on %s', async (_name, change) => {
    const envelope = await vault.encrypt(TOKEN, aad);
    const error = await vaultError(vault.decrypt(change(envelope), aad));
    expect(error.code).toBe('decrypt_failed');
  });

  it.each([
    ['another field of the same record', aadFor('conn_a', 'refresh_token_enc')],
    ['the same field of another record', aadFor('conn_b', 'access_token_enc')],
    ['another table', { table: 'oauth_states', recordId: 'conn_a', field: 'access_token_enc' }],
  ])('fails with decrypt_failed when the AAD names %s', async (_name, otherAad) => {
    const envelope = await vault.encrypt(TOKEN, aad);
    expect((await vaultError(vault.decrypt(envelope, otherAad))).code).toBe('decrypt_failed');
  });

  it('fails with decrypt_failed when ciphertexts are swapped between two rows', async () => {
    const db = getStore().db;
    await insertConnection(db, 'swap_1', {
      access_token_enc: await vault.encrypt('token-one', aadFor('swap_1', 'access_token_enc')),
    });
    await insertConnection(db, 'swap_2', {
      access_token_enc: await vault.encrypt('token-two', aadFor('swap_2', 'access_token_enc')),
    });
    const [one, two] = [
      await readEnc(db, 'swap_1', 'access_token_enc'),
      await readEnc(db, 'swap_2', 'access_token_enc'),
    ];
    await db.updateTable('connections').set({ access_token_enc: two }).where('id', '=', 'swap_1').execute();
    await db.updateTable('connections').set({ access_token_enc: one }).where('id', '=', 'swap_2').execute();
    for (const id of ['swap_1', 'swap_2']) {
      const stored = await readEnc(db, id, 'access_token_enc');
      expect((await vaultError(vault.decrypt(stored, aadFor(id, 'access_token_enc')))).code).toBe('decrypt_failed');
    }
  });

  it('fails with unknown_key_id when the envelope names a key id the database does not have', async () => {
    const parts = (await vault.encrypt(TOKEN, aad)).split('.');
    parts[1] = 'k_aaaaaaaaaa';
    const error = await vaultError(vault.decrypt(parts.join('.'), aad));
    expect(error.code).toBe('unknown_key_id');
    expect(error.message).toContain('k_aaaaaaaaaa');
  });

  it.each([
    ['plaintext', TOKEN],
    ['too few parts', 'v1.k_aaaaaaaaaa.abc'],
    ['an unknown version', (e: string) => e.replace(/^v1\./, 'v9.')],
    ['a 16-byte IV', (e: string) => e.replace(/^(v1\.[^.]+\.)[\w-]+/, `$1${'A'.repeat(22)}`)],
    ['a truncated tag', (e: string) => e.replace(/\.([\w-]{22})\./, (_m, tag: string) => `.${tag.slice(0, 11)}.`)],
    ['non-base64url characters', (e: string) => `${e}!`],
  ])('fails with malformed_envelope on %s', async (_name, make) => {
    const envelope = typeof make === 'string' ? make : make(await vault.encrypt(TOKEN, aad));
    expect((await vaultError(vault.decrypt(envelope, aad))).code).toBe('malformed_envelope');
  });

  it('refuses to open with another master key (wrong_master_key), leaking neither key', async () => {
    const other = randomBytes(32);
    const error = await vaultError(openVault({ db: getStore().db, masterKey: other, logger: silent }));
    expect(error.code).toBe('wrong_master_key');
    expect(error.message).toContain('differs from the one this database was initialised with');
    for (const key of [masterKey, other]) {
      for (const encoding of ['base64', 'base64url', 'hex'] as const) {
        expect(error.message).not.toContain(key.toString(encoding));
      }
    }
  });

  it('keeps every secret, token or key, out of what a failing decrypt throws or logs', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = createLogger({ level: 'trace', destination });
    const logged = await openVault({ db: getStore().db, masterKey, logger });
    const envelope = await logged.encrypt(TOKEN, aad);
    const error = await vaultError(logged.decrypt(envelope, aadFor('conn_other', 'access_token_enc')));
    expect(error.code).toBe('decrypt_failed');
    expect(error.cause).toBeUndefined();
    const output = lines.join('');
    expect(output).toContain('"code":"decrypt_failed"');
    expect(output).toContain('"recordId":"conn_other"');

    const kid = await logged.currentKeyId();
    const row = await getStore()
      .db.selectFrom('vault_keys')
      .select('wrapped_key')
      .where('kid', '=', kid)
      .executeTakeFirstOrThrow();
    const wrapped = parseWrappedKey(row.wrapped_key);
    if (typeof wrapped === 'string') throw new Error(wrapped);
    const dataKey = unseal(masterKey, wrapped, `vault_keys:${kid}`);
    expect(dataKey).toHaveLength(32);
    const everything = [error.message, error.stack ?? '', JSON.stringify(error), String(error), output].join('\n');
    expect(everything).not.toContain(TOKEN);
    for (const key of [masterKey, dataKey!]) {
      for (const encoding of ['base64', 'base64url', 'hex'] as const) {
        expect(everything).not.toContain(key.toString(encoding));
      }
    }
  });

  it('settles two concurrent first opens on a single initialisation', async () => {
    const kind = getStore().dialect;
    const fresh = await openTestDatabase(kind);
    // Two handles as two processes would have: PostgreSQL gets a second pool; SQLite shares the one
    // connection, so the two opens interleave at statement level (see src/store/sqlite-dialect.ts).
    const second: Store = fresh.location.databaseUrl
      ? await openDatabase({ databaseUrl: fresh.location.databaseUrl, logger: silent })
      : fresh.store;
    try {
      const key = randomBytes(32);
      const [a, b] = await Promise.all([
        openVault({ db: fresh.store.db, masterKey: key, logger: silent }),
        openVault({ db: second.db, masterKey: key, logger: silent }),
      ]);
      expect([a.initialised, b.initialised].sort()).toEqual([false, true]);
      expect(await a.currentKeyId()).toBe(await b.currentKeyId());
      const keys = await fresh.store.db.selectFrom('vault_keys').select(['kid', 'status']).execute();
      expect(keys).toEqual([{ kid: await a.currentKeyId(), status: 'active' }]);
      const checks = await fresh.store.db
        .selectFrom('settings')
        .select('key')
        .where('key', 'like', 'vault.%')
        .execute();
      expect(checks).toEqual([{ key: 'vault.key_check' }]);
      const envelope = await a.encrypt(TOKEN, aad);
      expect(await b.decrypt(envelope, aad)).toBe(TOKEN);
    } finally {
      if (second !== fresh.store) await second.close();
      await fresh.dispose();
    }
  });
});

describe('openVault arguments', () => {
  it('refuses a master key that is not 32 bytes before touching any database', async () => {
    const notADatabase = {} as never;
    await expect(openVault({ db: notADatabase, masterKey: randomBytes(16) })).rejects.toMatchObject({
      code: 'invalid_master_key',
    });
  });

  it('refuses a missing db', async () => {
    await expect(openVault({ db: undefined as never, masterKey: randomBytes(32) })).rejects.toThrow(/`db`/);
  });
});
