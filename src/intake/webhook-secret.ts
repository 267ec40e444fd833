/**
 * The secret in POST /hooks/accelevents/:secret. Accelevents signs nothing, so the URL itself is the
 * credential: 32 random bytes, base64url (256 bits, at the top of the 24–64-byte range the Standard
 * Webhooks spec gives shared secrets, https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md). It is made once and kept across restarts;
 * only `parley connect accelevents --rotate-webhook` replaces it.
 *
 * Two settings hold it. Its SHA-256 is what requests are checked against: the candidate is hashed and
 * the digests compared with `timingSafeEqual`, equal-length by construction. The secret itself is kept
 * sealed with the vault (AAD `settings:<key>:value`), so `parley start` can show its URL again and
 * point the Accelevents sandbox at it; a database copy without the master key opens neither.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.js';
import {
  claimDigest,
  createDigestCheck,
  digestOf,
  matchesDigest,
  newSecret,
  parseDigest,
  readSetting,
  upsertSetting,
} from '../vault/sealed-secret.js';
import type { Vault, VaultAad } from '../vault/types.js';

export const WEBHOOK_SECRET_SETTING = 'accelevents.webhook_secret_sha256';
export const SEALED_WEBHOOK_SECRET_SETTING = 'accelevents.webhook_secret_enc';
const SEALED_AAD: VaultAad = { table: 'settings', recordId: SEALED_WEBHOOK_SECRET_SETTING, field: 'value' };
const KEYS = { digest: WEBHOOK_SECRET_SETTING, sealed: SEALED_WEBHOOK_SECRET_SETTING };

type Db = Kysely<Database> | Transaction<Database>;

export interface CreateSecretOptions {
  now?: () => number;
  random?: (bytes: number) => Buffer;
  /**
   * Keeps the secret sealed beside its hash, so its URL can be shown again. Without a vault only the
   * hash is stored (and any sealed copy of an earlier secret is removed), as tests and
   * `parley simulate` on a throwaway store do.
   */
  vault?: Vault;
}

/**
 * Makes a new secret, replacing any earlier one (this is rotation), and returns the plaintext: print
 * the URL from it, never log it.
 */
export async function createAcceleventsWebhookSecret(db: Db, options: CreateSecretOptions = {}): Promise<string> {
  const secret = newSecret(options.random);
  // Sealed before our transaction: on SQLite the vault's key-table read would wait for it. A caller's
  // transaction is passed through for the same reason.
  const sealed = options.vault
    ? await options.vault.encrypt(secret, SEALED_AAD, db.isTransaction ? { db } : undefined)
    : null;
  const at = (options.now ?? Date.now)();
  await inTransaction(db, async (trx) => {
    await upsertSetting(trx, WEBHOOK_SECRET_SETTING, digestOf(secret).toString('hex'), at);
    if (sealed === null) await trx.deleteFrom('settings').where('key', '=', SEALED_WEBHOOK_SECRET_SETTING).execute();
    else await upsertSetting(trx, SEALED_WEBHOOK_SECRET_SETTING, sealed, at);
  });
  return secret;
}

/**
 * What `parley start` has to show: `made` on a first start, `kept` afterwards. `hash_only`: a secret an
 * earlier parley stored only as a hash; it keeps working, but its URL cannot be shown again.
 */
export type KeptWebhookSecret = { state: 'made' | 'kept'; secret: string } | { state: 'hash_only' };

/**
 * The current secret, made (hash and sealed copy) when there is none. Processes starting together on
 * one database agree on a single secret: the first insert wins and the others read it.
 */
export async function keepAcceleventsWebhookSecret(
  db: Kysely<Database>,
  vault: Vault,
  options: Omit<CreateSecretOptions, 'vault'> = {},
): Promise<KeptWebhookSecret> {
  const hash = await readSetting(db, WEBHOOK_SECRET_SETTING);
  if (hash !== undefined) {
    // A hash that is not one verifies nothing; replacing it breaks no URL.
    if (parseDigest(hash) === null)
      return { state: 'made', secret: await createAcceleventsWebhookSecret(db, { ...options, vault }) };
    return unseal(db, vault, hash);
  }
  const secret = newSecret(options.random);
  const ours = { digest: digestOf(secret).toString('hex'), sealed: await vault.encrypt(secret, SEALED_AAD) };
  const at = (options.now ?? Date.now)();
  const winner = await inTransaction(db, (trx) => claimDigest(trx, KEYS, ours, at));
  return winner === ours.digest ? { state: 'made', secret } : unseal(db, vault, winner);
}

async function unseal(db: Kysely<Database>, vault: Vault, hash: string): Promise<KeptWebhookSecret> {
  const sealed = await readSetting(db, SEALED_WEBHOOK_SECRET_SETTING);
  const stored = parseDigest(hash);
  if (sealed === undefined || stored === null) return { state: 'hash_only' };
  const secret = await vault.decrypt(sealed, SEALED_AAD);
  // A sealed copy that no longer matches the hash belongs to a secret replaced without a vault.
  if (!timingSafeEqual(digestOf(secret), stored)) return { state: 'hash_only' };
  await resealUnderCurrentKey(db, vault, sealed, secret);
  return { state: 'kept', secret };
}

/**
 * Data-key rotation re-encrypts the vault's registered columns only, so the sealed copy moves to the
 * current key here, on the next start. The write is a compare-and-swap: a rotation in between wins.
 */
async function resealUnderCurrentKey(db: Kysely<Database>, vault: Vault, sealed: string, secret: string) {
  const kid = sealed.split('.', 3)[1];
  if (kid === (await vault.currentKeyId())) return;
  const fresh = await vault.encrypt(secret, SEALED_AAD);
  await db
    .updateTable('settings')
    .set({ value: fresh })
    .where('key', '=', SEALED_WEBHOOK_SECRET_SETTING)
    .where('value', '=', sealed)
    .execute();
}

function inTransaction<T>(db: Db, body: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.isTransaction ? body(db) : db.transaction().execute(body);
}

async function storedDigest(db: Db): Promise<Buffer | null> {
  return parseDigest(await readSetting(db, WEBHOOK_SECRET_SETTING));
}

/** True when `candidate` is the current secret. False when none was ever created. */
export async function verifyWebhookSecret(db: Db, candidate: unknown): Promise<boolean> {
  return matchesDigest(await storedDigest(db), candidate);
}

/**
 * The route's check (src/vault/sealed-secret.ts): the stored digest is read at most once per `cacheMs`
 * (default 5 s), so intake does not pay a database read per delivery, and a new secret takes effect
 * within that time.
 */
export function createWebhookSecretCheck(
  db: Db,
  options: { now?: () => number; cacheMs?: number } = {},
): (candidate: unknown) => Promise<boolean> {
  return createDigestCheck(() => storedDigest(db), options);
}
