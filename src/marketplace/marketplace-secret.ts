/**
 * The marketplace app's secret: the value of the `x-parley-marketplace-secret` header HighLevel sends
 * on every call to parley's subscription, action, options and fields URLs. HighLevel signs none of
 * these calls; the static headers set in its developer portal are the only credential
 * (https://marketplace.gohighlevel.com/docs/marketplace-modules/CustomTriggers). Those headers are the
 * same for every install of the app, so there is one secret per parley deployment.
 *
 * As with the Accelevents webhook secret (src/intake/webhook-secret.ts): 32 random bytes, base64url;
 * its SHA-256 is what calls are checked against, in constant time; the secret itself is sealed with
 * the vault (AAD `settings:<key>:value`) so sandbox mode can give it to the HighLevel sandbox. It is
 * made on the first start with the feature on, and replaced only by `parley marketplace secret rotate`.
 */
import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { Vault, VaultAad } from '../vault/types.js';

export const MARKETPLACE_SECRET_HEADER = 'x-parley-marketplace-secret';
export const MARKETPLACE_SECRET_SETTING = 'marketplace.secret_sha256';
export const SEALED_MARKETPLACE_SECRET_SETTING = 'marketplace.secret_enc';
const SEALED_AAD: VaultAad = { table: 'settings', recordId: SEALED_MARKETPLACE_SECRET_SETTING, field: 'value' };
const SECRET_BYTES = 32;
/** Far longer than a 43-character secret; anything longer is refused before hashing. */
const MAX_CANDIDATE_LENGTH = 256;

export interface SecretOptions {
  now?: () => number;
  random?: (bytes: number) => Buffer;
}

function digest(secret: string): Buffer {
  return hash('sha256', secret, 'buffer');
}

function parseDigest(value: string | undefined): Buffer | null {
  return value !== undefined && /^[0-9a-f]{64}$/.test(value) ? Buffer.from(value, 'hex') : null;
}

function newSecret(options: SecretOptions): string {
  return (options.random ?? randomBytes)(SECRET_BYTES).toString('base64url');
}

/** Makes a new secret, replacing any earlier one at once, and returns it: show it once, never log it. */
export async function rotateMarketplaceSecret(
  db: Kysely<Database>,
  vault: Vault,
  options: SecretOptions = {},
): Promise<string> {
  const secret = newSecret(options);
  // Sealed before our transaction: on SQLite the vault's key-table read would wait for it.
  const sealed = await vault.encrypt(secret, SEALED_AAD);
  const at = (options.now ?? Date.now)();
  await db.transaction().execute(async (trx) => {
    await upsert(trx, MARKETPLACE_SECRET_SETTING, digest(secret).toString('hex'), at);
    await upsert(trx, SEALED_MARKETPLACE_SECRET_SETTING, sealed, at);
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
  const secret = newSecret(options);
  const sealed = await vault.encrypt(secret, SEALED_AAD);
  const at = (options.now ?? Date.now)();
  const ours = digest(secret).toString('hex');
  const winner = await db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('settings')
      .values({ key: MARKETPLACE_SECRET_SETTING, value: ours, updated_at: at })
      .onConflict((oc) => oc.column('key').doUpdateSet((eb) => ({ value: eb.ref('settings.value') })))
      .returning('value')
      .executeTakeFirstOrThrow();
    if (row.value === ours) await upsert(trx, SEALED_MARKETPLACE_SECRET_SETTING, sealed, at);
    return row.value;
  });
  if (winner === ours) return { state: 'made', secret };
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
  return timingSafeEqual(digest(secret), stored) ? secret : null;
}

/**
 * The guard's check: the stored digest is read at most once per `cacheMs` (default 5 s), so a call
 * costs no database read, and a rotated secret takes effect within that time.
 */
export function createMarketplaceSecretCheck(
  db: Kysely<Database>,
  options: { now?: () => number; cacheMs?: number } = {},
): (candidate: unknown) => Promise<boolean> {
  const now = options.now ?? Date.now;
  const cacheMs = options.cacheMs ?? 5_000;
  let cached: { digest: Buffer | null; until: number } | null = null;
  return async (candidate) => {
    if (cached === null || now() >= cached.until) {
      cached = { digest: parseDigest(await readSetting(db, MARKETPLACE_SECRET_SETTING)), until: now() + cacheMs };
    }
    // Hash even when nothing is stored or the candidate is junk, so every miss costs the same.
    const usable = typeof candidate === 'string' && candidate.length > 0 && candidate.length <= MAX_CANDIDATE_LENGTH;
    const given = digest(usable ? candidate : '');
    const ok = timingSafeEqual(given, cached.digest ?? Buffer.alloc(given.length));
    return ok && usable && cached.digest !== null;
  };
}

async function upsert(db: Kysely<Database>, key: string, value: string, at: number): Promise<void> {
  await db
    .insertInto('settings')
    .values({ key, value, updated_at: at })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: at }))
    .execute();
}

async function readSetting(db: Kysely<Database>, key: string): Promise<string | undefined> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value;
}
