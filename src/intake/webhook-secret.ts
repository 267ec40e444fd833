/**
 * The secret in POST /hooks/accelevents/:secret. Accelevents signs nothing (reference/accelevents-api.md
 * §6, §8.2), so the URL itself is the credential: 32 random bytes, base64url (256 bits, above Standard
 * Webhooks' 24–64-byte range for shared secrets, reference/reliability.md §1.2). Only its SHA-256 is
 * stored (`settings`), so a database copy does not open the endpoint; checks hash the candidate and
 * compare digests with `timingSafeEqual`, equal-length by construction.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.js';

export const WEBHOOK_SECRET_SETTING = 'accelevents.webhook_secret_sha256';
const SECRET_BYTES = 32;
/** Far longer than a 43-character secret; anything longer is refused before hashing. */
const MAX_CANDIDATE_LENGTH = 256;

type Db = Kysely<Database> | Transaction<Database>;

function digest(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

export interface CreateSecretOptions {
  now?: () => number;
  random?: (bytes: number) => Buffer;
}

/**
 * Makes a new secret (replacing any earlier one, so this is also rotation) and returns the plaintext,
 * the only time it exists: print the URL from it, do not store it.
 */
export async function createAcceleventsWebhookSecret(db: Db, options: CreateSecretOptions = {}): Promise<string> {
  const secret = (options.random ?? randomBytes)(SECRET_BYTES).toString('base64url');
  const value = digest(secret).toString('hex');
  const updatedAt = (options.now ?? Date.now)();
  await db
    .insertInto('settings')
    .values({ key: WEBHOOK_SECRET_SETTING, value, updated_at: updatedAt })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: updatedAt }))
    .execute();
  return secret;
}

async function storedDigest(db: Db): Promise<Buffer | null> {
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', WEBHOOK_SECRET_SETTING)
    .executeTakeFirst();
  return row && /^[0-9a-f]{64}$/.test(row.value) ? Buffer.from(row.value, 'hex') : null;
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
