/**
 * Master-key rotation: every data key is unwrapped under the current master key and wrapped again
 * under the new one, and the key check is rewritten, in one transaction. Stored values are not
 * touched: they are encrypted under the data keys, which do not change.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { computeKeyCheck, keyCheckMatches } from './key-check.js';
import type { KeyRing } from './key-ring.js';
import { VaultError } from './vault-error.js';
import { lockVault, readAllKeys, readKeyCheck, updateWrappedKey, writeKeyCheck } from './vault-keys-table.js';

export interface RotateMasterKeyOptions {
  db: Kysely<Database>;
  keyRing: KeyRing;
  currentMasterKey: Buffer;
  newMasterKey: Buffer;
  now: () => number;
}

/** Returns how many data keys were re-wrapped. */
export async function rotateMasterKey(options: RotateMasterKeyOptions): Promise<number> {
  const { db, keyRing, currentMasterKey, newMasterKey, now } = options;
  if (keyCheckMatches(computeKeyCheck(currentMasterKey), newMasterKey)) {
    throw new VaultError('invalid_master_key', 'the new master key is the same as the current one');
  }
  const rewrapped = await db.transaction().execute(async (trx) => {
    if (!(await lockVault(trx, now()))) {
      throw new VaultError('unknown_key_id', 'the vault is not initialised in this database; run `parley init` first');
    }
    // Re-checked under the lock: another process may have rotated the master key since we opened.
    const stored = await readKeyCheck(trx);
    if (stored === undefined || !keyCheckMatches(stored, currentMasterKey)) {
      throw new VaultError(
        'wrong_master_key',
        'the current master key no longer matches this database (was it rotated by another process?); nothing was changed',
      );
    }
    const keys = await readAllKeys(trx);
    for (const key of keys) {
      const dataKey = keyRing.unwrap(key, currentMasterKey);
      await updateWrappedKey(trx, key.kid, keyRing.wrap(key.kid, dataKey, newMasterKey));
    }
    await writeKeyCheck(trx, computeKeyCheck(newMasterKey), now());
    return keys.length;
  });
  keyRing.setMasterKey(newMasterKey);
  return rewrapped;
}
