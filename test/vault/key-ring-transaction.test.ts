/**
 * The vault inside a caller's transaction (a token refresh seals new tokens under its row lock). On
 * SQLite the store has one connection: a key-table read through the store waits for the transaction
 * that holds it. Reads passed the transaction go through it, and never wait on such a queued read.
 */
import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { createLogger } from '../../src/lib/create-logger.js';
import { KeyRing } from '../../src/vault/key-ring.js';
import { openVault } from '../../src/vault/open-vault.js';
import { describeEachDatabase } from '../helpers/databases.js';

const silent = createLogger({ level: 'silent' });
/** One key for the suite: the first openVault initialises the database under it. */
const masterKey = randomBytes(32);

describeEachDatabase('vault key reads inside a transaction', (getStore) => {
  it('loads a key through the transaction while a load through the store is queued behind it', async () => {
    const { db } = getStore();
    const vault = await openVault({ db, masterKey, logger: silent });
    const kid = await vault.currentKeyId();
    // A second process's view: nothing cached yet, so both calls below must read vault_keys.
    const ring = new KeyRing({ db, masterKey, now: Date.now, randomBytes, activeKeyCacheMs: 0 });

    let outside: Promise<Buffer> | undefined;
    const inside = await db.transaction().execute(async (trx) => {
      // Through the store: on SQLite this read waits for the transaction to end.
      outside = ring.dataKey(kid);
      return ring.dataKey(kid, trx);
    });
    expect(inside).toHaveLength(32);
    expect(await outside).toEqual(inside);
  });

  it('encrypts inside a transaction with a cold key cache into an envelope that opens outside it', async () => {
    const { db } = getStore();
    await openVault({ db, masterKey, logger: silent });
    const cold = await openVault({ db, masterKey, logger: silent, activeKeyCacheMs: 0 });
    const aad = { table: 'connections', recordId: 'conn_tx', field: 'access_token_enc' };
    const envelope = await db.transaction().execute((trx) => cold.encrypt('token-in-tx', aad, { db: trx }));
    expect(await cold.decrypt(envelope, aad)).toBe('token-in-tx');
  });
});
