/**
 * The marketplace app's secret: the value of the `x-parley-marketplace-secret` header HighLevel sends
 * on every call to parley's subscription, action, options and fields URLs. HighLevel signs none of
 * these calls; the static headers set in its developer portal are the only credential
 * (https://marketplace.gohighlevel.com/docs/marketplace-modules/CustomTriggers). Those headers are the
 * same for every install of the app, so there is one secret per parley deployment.
 *
 * Kept like the Accelevents webhook secret (src/vault/sealed-secret.ts): its SHA-256 is what calls are
 * checked against, in constant time, and the sealed copy lets sandbox mode give it to the HighLevel
 * sandbox. It is made on the first start with the feature on, and replaced only by
 * `parley marketplace secret rotate`.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import {
  claimDigest,
  createDigestCheck,
  digestOf,
  newSecret,
  parseDigest,
  readSetting,
  upsertSetting,
} from '../vault/sealed-secret.js';
import type { Vault, VaultAad } from '../vault/types.js';

export const MARKETPLACE_SECRET_HEADER = 'x-parley-marketplace-secret';
export const MARKETPLACE_SECRET_SETTING = 'marketplace.secret_sha256';
export const SEALED_MARKETPLACE_SECRET_SETTING = 'marketplace.secret_enc';
const SEALED_AAD: VaultAad = { table: 'settings', recordId: SEALED_MARKETPLACE_SECRET_SETTING, field: 'value' };
const KEYS = { digest: MARKETPLACE_SECRET_SETTING, sealed: SEALED_MARKETPLACE_SECRET_SETTING };

export interface SecretOptions {
  now?: () => number;
  random?: (bytes: number) => Buffer;
}

/** Makes a new secret, replacing any earlier one at once, and returns it: show it once, never log it. */
export async function rotateMarketplaceSecret(
  db: Kysely<Database>,
  vault: Vault,
  options: SecretOptions = {},
): Promise<string> {
  const secret = newSecret(options.random);
  // Sealed before our transaction: on SQLite the vault's key-table read would wait for it.
  const sealed = await vault.encrypt(secret, SEALED_AAD);
  const at = (options.now ?? Date.now)();
  await db.transaction().execute(async (trx) => {
    await upsertSetting(trx, MARKETPLACE_SECRET_SETTING, digestOf(secret).toString('hex'), at);
    await upsertSetting(trx, SEALED_MARKETPLACE_SECRET_SETTING, sealed, at);
  });
  return secret;
}

/**
 * The current secret, made when there is none (`made`: the caller shows it once). Processes starting
 * together on one database agree on one secret: the first insert wins and the others read it.
 */
export async function keepMarketplaceSecret(
  db: Kysely<Database>,
  vault: Vault,
  options: SecretOptions = {},
): Promise<{ state: 'made' | 'kept'; secret: string }> {
  const existing = await readMarketplaceSecret(db, vault);
  if (existing !== null) return { state: 'kept', secret: existing };
  const secret = newSecret(options.random);
  const ours = { digest: digestOf(secret).toString('hex'), sealed: await vault.encrypt(secret, SEALED_AAD) };
  const at = (options.now ?? Date.now)();
  const winner = await db.transaction().execute((trx) => claimDigest(trx, KEYS, ours, at));
  if (winner === ours.digest) return { state: 'made', secret };
  const theirs = await readMarketplaceSecret(db, vault);
  // A hash without its sealed copy (written by hand): replace both, which breaks nothing that worked.
  return theirs === null
    ? { state: 'made', secret: await rotateMarketplaceSecret(db, vault, options) }
    : { state: 'kept', secret: theirs };
}

/** The current secret in plain text, or null when none was made (or its sealed copy does not match). */
export async function readMarketplaceSecret(db: Kysely<Database>, vault: Vault): Promise<string | null> {
  const stored = parseDigest(await readSetting(db, MARKETPLACE_SECRET_SETTING));
  const sealed = await readSetting(db, SEALED_MARKETPLACE_SECRET_SETTING);
  if (stored === null || sealed === undefined) return null;
  const secret = await vault.decrypt(sealed, SEALED_AAD);
  return timingSafeEqual(digestOf(secret), stored) ? secret : null;
}

/** The guard's check, constant time; reads the stored digest at most once per `cacheMs` (default 5 s). */
export function createMarketplaceSecretCheck(
  db: Kysely<Database>,
  options: { now?: () => number; cacheMs?: number } = {},
): (candidate: unknown) => Promise<boolean> {
  return createDigestCheck(async () => parseDigest(await readSetting(db, MARKETPLACE_SECRET_SETTING)), options);
}
