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
import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.js';
import type { Vault, VaultAad } from '../vault/types.js';

export const WEBHOOK_SECRET_SETTING = 'accelevents.webhook_secret_sha256';
export const SEALED_WEBHOOK_SECRET_SETTING = 'accelevents.webhook_secret_enc';
const SEALED_AAD: VaultAad = { table: 'settings', recordId: SEALED_WEBHOOK_SECRET_SETTING, field: 'value' };
const SECRET_BYTES = 32;
/** Far longer than a 43-character secret; anything longer is refused before hashing. */
const MAX_CANDIDATE_LENGTH = 256;

type Db = Kysely<Database> | Transaction<Database>;

/** One-shot `hash` (Node ≥ 20.12): every intake request hashes the path's secret, so no Hash object per call. */
function digest(secret: string): Buffer {
  return hash('sha256', secret, 'buffer');
}

function parseDigest(value: string | undefined): Buffer | null {
  return value !== undefined && /^[0-9a-f]{64}$/.test(value) ? Buffer.from(value, 'hex') : null;
}

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
  const secret = newSecret(options);
  // Sealed before our transaction: on SQLite the vault's key-table read would wait for it. A caller's
  // transaction is passed through for the same reason.
  const sealed = options.vault
    ? await options.vault.encrypt(secret, SEALED_AAD, db.isTransaction ? { db } : undefined)
    : null;
  const at = (options.now ?? Date.now)();
  await inTransaction(db, async (trx) => {
    await upsert(trx, WEBHOOK_SECRET_SETTING, digest(secret).toString('hex'), at);
    if (sealed === null) await trx.deleteFrom('settings').where('key', '=', SEALED_WEBHOOK_SECRET_SETTING).execute();
    else await upsert(trx, SEALED_WEBHOOK_SECRET_SETTING, sealed, at);
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
  const secret = newSecret(options);
  const sealed = await vault.encrypt(secret, SEALED_AAD);
  const at = (options.now ?? Date.now)();
  const ours = digest(secret).toString('hex');
  const winner = await inTransaction(db, async (trx) => {
    // A conflict keeps the stored hash and returns it (the no-op update makes the row come back).
    const row = await trx
      .insertInto('settings')
      .values({ key: WEBHOOK_SECRET_SETTING, value: ours, updated_at: at })
      .onConflict((oc) => oc.column('key').doUpdateSet((eb) => ({ value: eb.ref('settings.value') })))
      .returning('value')
      .executeTakeFirstOrThrow();
    if (row.value === ours) await upsert(trx, SEALED_WEBHOOK_SECRET_SETTING, sealed, at);
    return row.value;
  });
  return winner === ours ? { state: 'made', secret } : unseal(db, vault, winner);
}

async function unseal(db: Kysely<Database>, vault: Vault, hash: string): Promise<KeptWebhookSecret> {
  const sealed = await readSetting(db, SEALED_WEBHOOK_SECRET_SETTING);
  const stored = parseDigest(hash);
  if (sealed === undefined || stored === null) return { state: 'hash_only' };
  const secret = await vault.decrypt(sealed, SEALED_AAD);
  // A sealed copy that no longer matches the hash belongs to a secret replaced without a vault.
  if (!timingSafeEqual(digest(secret), stored)) return { state: 'hash_only' };
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

function newSecret(options: Pick<CreateSecretOptions, 'random'>): string {
  return (options.random ?? randomBytes)(SECRET_BYTES).toString('base64url');
}

function inTransaction<T>(db: Db, body: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.isTransaction ? body(db) : db.transaction().execute(body);
}

async function upsert(db: Db, key: string, value: string, at: number): Promise<void> {
  await db
    .insertInto('settings')
    .values({ key, value, updated_at: at })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: at }))
    .execute();
}

async function readSetting(db: Db, key: string): Promise<string | undefined> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value;
}

async function storedDigest(db: Db): Promise<Buffer | null> {
  return parseDigest(await readSetting(db, WEBHOOK_SECRET_SETTING));
}

function matches(stored: Buffer | null, candidate: unknown): boolean {
  // Hash even when nothing is stored or the candidate is junk, so every miss costs the same.
  const given = digest(typeof candidate === 'string' && candidate.length <= MAX_CANDIDATE_LENGTH ? candidate : '');
  const ok = timingSafeEqual(given, stored ?? Buffer.alloc(given.length));
  return ok && stored !== null && typeof candidate === 'string' && candidate.length > 0;
}

/** True when `candidate` is the current secret. False when none was ever created. */
export async function verifyWebhookSecret(db: Db, candidate: unknown): Promise<boolean> {
  return matches(await storedDigest(db), candidate);
}

/**
 * The route's check: the stored digest is read at most once per `cacheMs` (default 5 s), so intake does
 * not pay a database read per delivery, and a new secret takes effect within that time.
 */
export function createWebhookSecretCheck(
  db: Db,
  options: { now?: () => number; cacheMs?: number } = {},
): (candidate: unknown) => Promise<boolean> {
  const now = options.now ?? Date.now;
  const cacheMs = options.cacheMs ?? 5_000;
  let cached: { digest: Buffer | null; until: number } | null = null;
  return async (candidate) => {
    if (cached === null || now() >= cached.until) {
      cached = { digest: await storedDigest(db), until: now() + cacheMs };
    }
    return matches(cached.digest, candidate);
  };
}
