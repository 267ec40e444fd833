/**
 * A shared secret that parley hands out and then checks on every request (the Accelevents webhook URL's
 * secret, the marketplace app's header): kept in `settings` as two rows, its SHA-256 (what requests are
 * checked against) and a copy sealed with the vault (AAD `settings:<key>:value`) so it can be shown
 * again. A database copy without the master key opens neither. Used by src/intake/webhook-secret.ts
 * and src/marketplace/marketplace-secret.ts, which own their keys and lifecycles.
 */
import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

const SECRET_BYTES = 32;
/** Far longer than a 43-character secret; anything longer is refused before hashing. */
const MAX_CANDIDATE_LENGTH = 256;

/** One-shot `hash` (Node ≥ 20.12): every checked request hashes a candidate, so no Hash object per call. */
export function digestOf(secret: string): Buffer {
  return hash('sha256', secret, 'buffer');
}

/** A stored digest, or null for anything that is not 64 hex digits (it would verify nothing). */
export function parseDigest(value: string | undefined): Buffer | null {
  return value !== undefined && /^[0-9a-f]{64}$/.test(value) ? Buffer.from(value, 'hex') : null;
}

/** 32 random bytes, base64url (256 bits). */
export function newSecret(random: (bytes: number) => Buffer = randomBytes): string {
  return random(SECRET_BYTES).toString('base64url');
}

export async function readSetting(db: Kysely<Database>, key: string): Promise<string | undefined> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value;
}

export async function upsertSetting(db: Kysely<Database>, key: string, value: string, at: number): Promise<void> {
  await db
    .insertInto('settings')
    .values({ key, value, updated_at: at })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: at }))
    .execute();
}

/**
 * First writer wins: inserts our digest unless one is stored, and our sealed copy only if ours won.
 * Returns the digest that stands (a conflict's no-op update makes the stored row come back). Run it in
 * a transaction, so processes starting together on one database agree on one secret.
 */
export async function claimDigest(
  trx: Kysely<Database>,
  keys: { digest: string; sealed: string },
  ours: { digest: string; sealed: string },
  at: number,
): Promise<string> {
  const row = await trx
    .insertInto('settings')
    .values({ key: keys.digest, value: ours.digest, updated_at: at })
    .onConflict((oc) => oc.column('key').doUpdateSet((eb) => ({ value: eb.ref('settings.value') })))
    .returning('value')
    .executeTakeFirstOrThrow();
  if (row.value === ours.digest) await upsertSetting(trx, keys.sealed, ours.sealed, at);
  return row.value;
}

/** Constant time: the candidate is hashed even when nothing is stored or it is junk, so every miss costs the same. */
export function matchesDigest(stored: Buffer | null, candidate: unknown): boolean {
  const usable = typeof candidate === 'string' && candidate.length > 0 && candidate.length <= MAX_CANDIDATE_LENGTH;
  const given = digestOf(usable ? candidate : '');
  const ok = timingSafeEqual(given, stored ?? Buffer.alloc(given.length));
  return ok && usable && stored !== null;
}

/**
 * A request check that reads the stored digest at most once per `cacheMs` (default 5 s), so a request
 * costs no database read, and a rotated secret takes effect within that time.
 */
export function createDigestCheck(
  readDigest: () => Promise<Buffer | null>,
  options: { now?: () => number; cacheMs?: number } = {},
): (candidate: unknown) => Promise<boolean> {
  const now = options.now ?? Date.now;
  const cacheMs = options.cacheMs ?? 5_000;
  let cached: { digest: Buffer | null; until: number } | null = null;
  return async (candidate) => {
    if (cached === null || now() >= cached.until) cached = { digest: await readDigest(), until: now() + cacheMs };
    return matchesDigest(cached.digest, candidate);
  };
}
