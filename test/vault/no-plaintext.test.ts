/**
 * No plaintext token at rest. A token encrypted into `connections` must not appear in
 * the SQLite file or its WAL, nor in a dump of every table on PostgreSQL (`row_to_json` of each
 * table: pg_dump is not installed here). Neither may the master key or a data key. Each test also
 * finds a known non-secret (the connection id) in the same bytes, so it is reading the right data.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/lib/create-logger.js';
import type { Store } from '../../src/store/open-database.js';
import { unseal } from '../../src/vault/aes-gcm.js';
import { parseWrappedKey } from '../../src/vault/envelope.js';
import { openVault } from '../../src/vault/open-vault.js';
import { type DatabaseKind, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { aadFor, insertConnection } from './connection-rows.js';

const silent = createLogger({ level: 'silent' });
const ACCESS = 'pit-3f9d2c71-58ab-4e0f-9c6d-1a2b3c4d5e6f';
const REFRESH = 'refresh-8e7d6c5b4a39281706f5e4d3c2b1a0';
const API_KEY = 'ae-key-0123456789abcdef0123456789abcdef';
const CONNECTION_ID = 'conn_plaintext_probe';

/** Writes the three secrets through the vault and returns every key that must not appear either. */
async function storeSecrets(store: Store): Promise<Buffer[]> {
  const masterKey = randomBytes(32);
  const vault = await openVault({ db: store.db, masterKey, logger: silent });
  await insertConnection(store.db, CONNECTION_ID, {
    access_token_enc: await vault.encrypt(ACCESS, aadFor(CONNECTION_ID, 'access_token_enc')),
    refresh_token_enc: await vault.encrypt(REFRESH, aadFor(CONNECTION_ID, 'refresh_token_enc')),
    api_key_enc: await vault.encrypt(API_KEY, aadFor(CONNECTION_ID, 'api_key_enc')),
  });
  const kid = await vault.currentKeyId();
  const row = await store.db
    .selectFrom('vault_keys')
    .select('wrapped_key')
    .where('kid', '=', kid)
    .executeTakeFirstOrThrow();
  const wrapped = parseWrappedKey(row.wrapped_key);
  if (typeof wrapped === 'string') throw new Error(wrapped);
  const dataKey = unseal(masterKey, wrapped, `vault_keys:${kid}`);
  if (dataKey === null) throw new Error('the data key did not unwrap');
  return [masterKey, dataKey];
}

function expectNoSecrets(haystack: Buffer, keys: Buffer[]): void {
  expect(haystack.includes(CONNECTION_ID)).toBe(true);
  for (const secret of [ACCESS, REFRESH, API_KEY]) expect(haystack.includes(secret)).toBe(false);
  for (const key of keys) {
    expect(haystack.includes(key)).toBe(false);
    for (const encoding of ['base64', 'base64url', 'hex'] as const) {
      expect(haystack.includes(key.toString(encoding))).toBe(false);
    }
  }
}

function suiteFor(kind: DatabaseKind, dump: (test: TestDatabase) => Promise<Buffer>): void {
  describe(`no plaintext at rest [${kind}]`, () => {
    let test: TestDatabase;
    beforeAll(async () => {
      test = await openTestDatabase(kind);
    });
    afterAll(async () => {
      await test.dispose();
    });

    it('keeps every secret out of the stored bytes, keys included', async () => {
      const keys = await storeSecrets(test.store);
      expectNoSecrets(await dump(test), keys);
    });
  });
}

suiteFor('sqlite', async (test) => {
  const path = join(test.location.dataDir!, 'parley.db');
  const files = [path, `${path}-wal`].filter((file) => existsSync(file));
  expect(files).toContain(path);
  return Buffer.concat(await Promise.all(files.map((file) => readFile(file))));
});

suiteFor('postgres', async (test) => {
  const db = test.store.db;
  const { rows: tables } = await sql<{ name: string }>`select table_name as name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`.execute(db);
  expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['connections', 'settings', 'vault_keys']));
  const dumps: string[] = [];
  for (const { name } of tables) {
    const { rows } = await sql<{
      row: string;
    }>`select row_to_json(t)::text as row from ${sql.table(name)} as t`.execute(db);
    dumps.push(...rows.map((r) => r.row));
  }
  return Buffer.from(dumps.join('\n'), 'utf8');
});
