/**
 * Opens the vault on a database: initialises it on first open (first data key and the
 * key check), refuses a master key other than the one it was initialised with, and returns the
 * `Vault` (src/vault/types.ts) plus online rotation.
 *
 * Envelope `v1.<kid>.<iv>.<tag>.<ct>`, AES-256-GCM, AAD `<table>:<recordId>:<field>`: a ciphertext
 * copied to another row or column fails to decrypt, so stored secrets cannot be swapped.
 */
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { type Logger, silentLogger } from '../lib/create-logger.js';
import type { Database } from '../store/schema.js';
import { IV_BYTES, seal, unseal } from './aes-gcm.js';
import { formatEnvelope, parseEnvelope } from './envelope.js';
import { computeKeyCheck, keyCheckMatches } from './key-check.js';
import { KeyRing } from './key-ring.js';
import { MASTER_KEY_BYTES } from './master-key.js';
import { type PassEvent, type RotationReport, rotateDataKey } from './rotate-data-key.js';
import { rotateMasterKey } from './rotate-master-key.js';
import type { Vault, VaultAad } from './types.js';
import { VaultError } from './vault-error.js';
import { insertActiveKey, insertKeyCheckIfAbsent, lockVault, readActiveKid, readKeyCheck } from './vault-keys-table.js';

export type { PassEvent, RotationReport } from './rotate-data-key.js';

export interface OpenVaultOptions {
  db: Kysely<Database>;
  /** 32 bytes, from `loadMasterKey`. */
  masterKey: Buffer;
  now?: () => number;
  randomBytes?: (size: number) => Buffer;
  logger?: Logger;
  /** How long the active key id is trusted before re-reading it. Default 2000 ms. */
  activeKeyCacheMs?: number;
  /** Used by `rotate` to wait out other processes' active-key caches. */
  sleep?: (ms: number) => Promise<void>;
}

export interface RotateOptions {
  /**
   * Rotate the master key instead: re-wrap every data key under this one (32 bytes) and rewrite the
   * key check. Values are not re-encrypted (their data keys do not change), and processes still
   * running with the old master key keep working on the keys they have unwrapped until restarted.
   */
  newMasterKey?: Buffer;
  /** Called after each re-encryption pass (progress for `parley keys rotate`). */
  onPass?: (event: PassEvent) => void | Promise<void>;
  /** Stop after this many passes even if values remain under old keys. Default 10. */
  maxPasses?: number;
}

export interface VaultHandle extends Vault {
  /** True when this open initialised the vault: first data key and key check written. */
  readonly initialised: boolean;
  rotate(options?: RotateOptions): Promise<RotationReport>;
}

const DEFAULT_ACTIVE_KEY_CACHE_MS = 2_000;
const MASTER_ONLY = {
  reencrypted: 0,
  passes: 0,
  retiredKeyIds: [],
  remaining: 0,
  failures: [],
  masterKeyRotated: true,
};
const AAD_NAME = /^[A-Za-z0-9_]+$/;

export async function openVault(options: OpenVaultOptions): Promise<VaultHandle> {
  if (!options.db) throw new TypeError('openVault: `db` (a Kysely<Database>) is required');
  if (!Buffer.isBuffer(options.masterKey) || options.masterKey.length !== MASTER_KEY_BYTES) {
    throw new VaultError('invalid_master_key', `openVault: the master key must be a ${MASTER_KEY_BYTES}-byte Buffer`);
  }
  const { db } = options;
  const now = options.now ?? Date.now;
  const randomBytes = options.randomBytes ?? nodeRandomBytes;
  const logger = options.logger ?? silentLogger();
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const activeKeyCacheMs = options.activeKeyCacheMs ?? DEFAULT_ACTIVE_KEY_CACHE_MS;
  let masterKey = options.masterKey;
  const keyRing = new KeyRing({ db, masterKey, now, randomBytes, activeKeyCacheMs });

  const initialised = await initialiseOrVerify(db, keyRing, masterKey, now);
  if (initialised) logger.info('vault initialised: first data key and key check stored');
  // Unwraps the active key now, so a damaged key table stops startup rather than the first request.
  await keyRing.activeKey();

  const sealUnder = (kid: string, key: Buffer, plaintext: string, aad: VaultAad): string =>
    formatEnvelope(kid, seal(key, Buffer.from(plaintext, 'utf8'), aadText(aad), randomBytes(IV_BYTES)));

  const decrypt = async (envelope: string, aad: VaultAad): Promise<string> => {
    const where = `${aad.table}.${aad.field} of record ${aad.recordId}`;
    const parsed = parseEnvelope(envelope);
    try {
      if (typeof parsed === 'string') {
        throw new VaultError('malformed_envelope', `the value in ${where} is not a vault envelope: ${parsed}`);
      }
      const plaintext = unseal(await keyRing.dataKey(parsed.kid), parsed, aadText(aad));
      if (plaintext === null) {
        throw new VaultError(
          'decrypt_failed',
          `the value in ${where} (data key ${parsed.kid}) failed authentication: it was altered, copied from ` +
            'another record or field, or written under another key',
        );
      }
      return plaintext.toString('utf8');
    } catch (error) {
      if (error instanceof VaultError) {
        const kid = typeof parsed === 'string' ? undefined : parsed.kid;
        logger.warn(
          { code: error.code, table: aad.table, recordId: aad.recordId, field: aad.field, kid },
          error.message,
        );
      }
      throw error;
    }
  };

  return {
    initialised,
    async encrypt(plaintext, aad, readOptions) {
      const { kid, key } = await keyRing.activeKey(readOptions?.db);
      return sealUnder(kid, key, plaintext, aad);
    },
    decrypt,
    async currentKeyId() {
      return (await keyRing.activeKey()).kid;
    },
    async rotate(rotateOptions = {}) {
      const { newMasterKey } = rotateOptions;
      if (newMasterKey !== undefined) {
        if (!Buffer.isBuffer(newMasterKey) || newMasterKey.length !== MASTER_KEY_BYTES) {
          throw new VaultError('invalid_master_key', `the new master key must be ${MASTER_KEY_BYTES} bytes`);
        }
        const rewrappedKeys = await rotateMasterKey({ db, keyRing, currentMasterKey: masterKey, newMasterKey, now });
        masterKey = newMasterKey;
        logger.info({ rewrappedKeys }, 'vault master key rotated: every data key re-wrapped, key check rewritten');
        const { kid } = await keyRing.activeKey();
        return { ...MASTER_ONLY, newKeyId: kid, rewrappedKeys };
      }
      const report = await rotateDataKey({
        db,
        keyRing,
        now,
        sleep,
        logger,
        // Twice the cache time: a process may read the old id just before the switch and still be
        // writing with it a little after its cache expires.
        graceMs: 2 * activeKeyCacheMs,
        maxPasses: rotateOptions.maxPasses ?? 10,
        reencryptUnder: (kid, key) => async (value, aad) => sealUnder(kid, key, await decrypt(value, aad), aad),
        onPass: rotateOptions.onPass,
      });
      return { ...report, masterKeyRotated: false, rewrappedKeys: 0 };
    },
  };
}

/** True when `openVault` has initialised this database (a key check is stored), with any master key. */
export async function isVaultInitialised(db: Kysely<Database>): Promise<boolean> {
  return (await readKeyCheck(db)) !== undefined;
}

/** First open: write the key check and the first data key together. Every open: verify the key check. */
async function initialiseOrVerify(
  db: Kysely<Database>,
  keyRing: KeyRing,
  masterKey: Buffer,
  now: () => number,
): Promise<boolean> {
  let initialised = false;
  let stored = await readKeyCheck(db);
  if (stored === undefined) {
    initialised = await db.transaction().execute(async (trx) => {
      if (!(await insertKeyCheckIfAbsent(trx, computeKeyCheck(masterKey), now()))) return false;
      const first = keyRing.newDataKey();
      await insertActiveKey(trx, first.kid, first.wrappedKey, now());
      return true;
    });
    // The loser of a concurrent first open re-reads what the winner committed.
    stored = await readKeyCheck(db);
  }
  if (stored === undefined || !keyCheckMatches(stored, masterKey)) {
    throw new VaultError(
      'wrong_master_key',
      'the master key differs from the one this database was initialised with (or last rotated to with ' +
        '`parley keys rotate --master-key-file`); use that key (PARLEY_MASTER_KEY or the key file), or restore it from backup',
    );
  }
  if ((await readActiveKid(db)) === undefined) await repairActiveKey(db, keyRing, now);
  return initialised;
}

/** A key check without an active data key (e.g. rows deleted by hand): create one under the lock. */
async function repairActiveKey(db: Kysely<Database>, keyRing: KeyRing, now: () => number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await lockVault(trx, now());
    if ((await readActiveKid(trx)) !== undefined) return;
    const fresh = keyRing.newDataKey();
    await insertActiveKey(trx, fresh.kid, fresh.wrappedKey, now());
  });
}

function aadText({ table, recordId, field }: VaultAad): string {
  // `:` separates the parts, so table and field are plain names and the record id must be non-empty.
  if (!AAD_NAME.test(table) || !AAD_NAME.test(field) || recordId === '') {
    throw new TypeError(
      `vault AAD must have a plain table and field name and a non-empty recordId; got table "${table}", field "${field}"`,
    );
  }
  return `${table}:${recordId}:${field}`;
}
