/**
 * The vault's rows: data keys in `vault_keys` and the key check in `settings`
 * (src/store/migrations/0002-credentials.ts). Every query the key ring and rotation run is here.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { KEY_CHECK_SETTING } from './key-check.js';

type Db = Kysely<Database>;

export interface StoredKey {
  kid: string;
  wrappedKey: string;
  status: 'active' | 'retired';
}

export async function readKeyCheck(db: Db): Promise<string | undefined> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', KEY_CHECK_SETTING).executeTakeFirst();
  return row?.value;
}

/**
 * Inserts the key check unless one exists; true when this call inserted it. The primary key makes
 * concurrent first opens safe: on PostgreSQL the loser's insert waits for the winner's transaction
 * and then does nothing; on SQLite `begin immediate` serialises the two transactions.
 */
export async function insertKeyCheckIfAbsent(db: Db, value: string, now: number): Promise<boolean> {
  const result = await db
    .insertInto('settings')
    .values({ key: KEY_CHECK_SETTING, value, updated_at: now })
    .onConflict((oc) => oc.column('key').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

/**
 * Serialises key changes (rotation, repair, master-key rotation) across processes: the first write
 * of the transaction touches the key check row, which takes its row lock on PostgreSQL and the
 * write lock (already held by `begin immediate`) on SQLite. False when the vault is not initialised.
 */
export async function lockVault(db: Db, now: number): Promise<boolean> {
  const result = await db
    .updateTable('settings')
    .set({ updated_at: now })
    .where('key', '=', KEY_CHECK_SETTING)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function writeKeyCheck(db: Db, value: string, now: number): Promise<void> {
  await db.updateTable('settings').set({ value, updated_at: now }).where('key', '=', KEY_CHECK_SETTING).execute();
}

/** The active key id; the newest if more than one is active (which the lock above prevents). */
export async function readActiveKid(db: Db): Promise<string | undefined> {
  const row = await db
    .selectFrom('vault_keys')
    .select('kid')
    .where('status', '=', 'active')
    .orderBy('created_at', 'desc')
    .orderBy('kid', 'desc')
    .executeTakeFirst();
  return row?.kid;
}

export async function readKey(db: Db, kid: string): Promise<StoredKey | undefined> {
  const row = await db
    .selectFrom('vault_keys')
    .select(['kid', 'wrapped_key', 'status'])
    .where('kid', '=', kid)
    .executeTakeFirst();
  return row && { kid: row.kid, wrappedKey: row.wrapped_key, status: row.status };
}

export async function readAllKeys(db: Db): Promise<StoredKey[]> {
  const rows = await db.selectFrom('vault_keys').select(['kid', 'wrapped_key', 'status']).orderBy('kid').execute();
  return rows.map((row) => ({ kid: row.kid, wrappedKey: row.wrapped_key, status: row.status }));
}

/** Retires every active key and inserts `kid` as the single active one; returns the retired kids. */
export async function insertActiveKey(db: Db, kid: string, wrappedKey: string, now: number): Promise<string[]> {
  const active = await db.selectFrom('vault_keys').select('kid').where('status', '=', 'active').execute();
  if (active.length > 0) {
    await db
      .updateTable('vault_keys')
      .set({ status: 'retired', retired_at: now })
      .where('status', '=', 'active')
      .execute();
  }
  await db
    .insertInto('vault_keys')
    .values({ kid, wrapped_key: wrappedKey, status: 'active', created_at: now })
    .execute();
  return active.map((row) => row.kid);
}

export async function updateWrappedKey(db: Db, kid: string, wrappedKey: string): Promise<void> {
  await db.updateTable('vault_keys').set({ wrapped_key: wrappedKey }).where('kid', '=', kid).execute();
}
