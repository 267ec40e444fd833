/**
 * Online data-key rotation (docs/operations.md, Key rotation): make a new data key the
 * single active one, then re-encrypt every stored value still under an old key, pass after pass,
 * until none is left. Old keys are retired, not deleted, so every value stays readable throughout.
 *
 * Why more than one pass: another process keeps using the old key id for up to its active-key
 * cache time, so it can write a value under the old key after our pass went by. The loop keeps
 * passing until one pass finds nothing *and* that grace time has gone by since the switch.
 */
import type { Kysely } from 'kysely';
import type { Logger } from '../lib/create-logger.js';
import type { Database } from '../store/schema.js';
import type { KeyRing } from './key-ring.js';
import {
  countUnderOtherKeys,
  failureKey,
  type PassResult,
  type Reencrypt,
  type RotationFailure,
  reencryptPass,
} from './reencrypt-columns.js';
import { VaultError } from './vault-error.js';
import { insertActiveKey, lockVault, readActiveKid } from './vault-keys-table.js';

export interface RotationReport {
  newKeyId: string;
  /** Values re-encrypted under the new key, over all passes. */
  reencrypted: number;
  passes: number;
  /** The keys that were active before this rotation; retired now, still readable. */
  retiredKeyIds: string[];
  /** Values still under an old key when the pass cap was reached (0 after a complete rotation). */
  remaining: number;
  /** Values that could not be decrypted; left untouched, and named here without their content. */
  failures: RotationFailure[];
  /** Set when another rotation made its own key active while this one ran; that one finishes the job. */
  supersededBy?: string;
  /** True for `rotate({ newMasterKey })`, which re-wraps the data keys and re-encrypts no values. */
  masterKeyRotated: boolean;
  /** Data keys re-wrapped under the new master key (0 for a data-key rotation). */
  rewrappedKeys: number;
}

export interface PassEvent extends Omit<PassResult, 'failures'> {
  pass: number;
  newKeyId: string;
  failed: number;
  /** How long the rotation now waits for other processes to pick up the new key (0: no wait). */
  waitMs: number;
}

export interface RotateDataKeyOptions {
  db: Kysely<Database>;
  keyRing: KeyRing;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  logger: Logger;
  /** Time other processes may keep writing under the old key id (their active-key cache time). */
  graceMs: number;
  maxPasses: number;
  /** Decrypts a value and encrypts it under the key given. */
  reencryptUnder: (kid: string, key: Buffer) => Reencrypt;
  onPass?: (event: PassEvent) => void | Promise<void>;
}

export async function rotateDataKey(
  options: RotateDataKeyOptions,
): Promise<Omit<RotationReport, 'masterKeyRotated' | 'rewrappedKeys'>> {
  const { db, keyRing, now, logger } = options;
  const fresh = keyRing.newDataKey();
  const retiredKeyIds = await db.transaction().execute(async (trx) => {
    if (!(await lockVault(trx, now()))) {
      throw new VaultError('unknown_key_id', 'the vault is not initialised in this database; run `parley init` first');
    }
    return insertActiveKey(trx, fresh.kid, fresh.wrappedKey, now());
  });
  keyRing.useActive(fresh);
  const switchedAt = now();
  logger.info({ newKeyId: fresh.kid, retiredKeyIds }, 'vault data key rotated; re-encrypting stored values');

  const reencrypt = options.reencryptUnder(fresh.kid, fresh.key);
  const failures: RotationFailure[] = [];
  const skip = new Set<string>();
  let reencrypted = 0;
  let passes = 0;
  let supersededBy: string | undefined;
  while (passes < options.maxPasses) {
    // Two rotations at once would re-encrypt each other's values back and forth; the later one wins.
    const active = await readActiveKid(db);
    if (active !== fresh.kid) {
      supersededBy = active;
      logger.warn({ newKeyId: fresh.kid, supersededBy }, 'another rotation took over; stopping this one');
      break;
    }
    passes++;
    const result = await reencryptPass({ db, newKid: fresh.kid, reencrypt, skip });
    reencrypted += result.reencrypted;
    for (const failure of result.failures) {
      failures.push(failure);
      skip.add(failureKey(failure, failure.recordId));
    }
    const moved = result.found - result.failures.length > 0;
    const last = passes >= options.maxPasses;
    const waitMs = moved || last ? 0 : Math.max(0, switchedAt + options.graceMs - now());
    const { failures: failed, ...counts } = result;
    const event = { pass: passes, newKeyId: fresh.kid, ...counts, failed: failed.length, waitMs };
    logger.info(event, 'vault re-encryption pass');
    await options.onPass?.(event);
    if (moved) continue;
    if (waitMs === 0) break;
    await options.sleep(waitMs);
  }
  const remaining = (await countUnderOtherKeys(db, fresh.kid)) - failures.length;
  const report = {
    newKeyId: fresh.kid,
    reencrypted,
    passes,
    retiredKeyIds,
    remaining: Math.max(0, remaining),
    failures,
  };
  return supersededBy === undefined ? report : { ...report, supersededBy };
}
