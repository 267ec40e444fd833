/**
 * Console sessions: the cookie carries a random id; the table holds only its SHA-256 digest and the
 * digest of the CSRF token derived from it (secret-tokens.ts), with an absolute expiry.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';
import { csrfTokenFor, newSessionId, sha256Hex } from './secret-tokens.js';

/** Eight hours: one working day, after which the console asks for the password again. */
export const DEFAULT_SESSION_TTL_MS = 8 * 60 * 60_000;

export async function createSession(
  db: Kysely<Database>,
  userId: string,
  now: number,
  ttlMs: number,
): Promise<{ sessionId: string; csrfToken: string; expiresAt: number }> {
  const sessionId = newSessionId();
  const csrfToken = csrfTokenFor(sessionId);
  const expiresAt = now + ttlMs;
  await db
    .insertInto('sessions')
    .values({
      id_sha256: sha256Hex(sessionId),
      user_id: userId,
      csrf_token_sha256: sha256Hex(csrfToken),
      created_at: now,
      expires_at: expiresAt,
    })
    .execute();
  // Expired sessions are dead weight; dropping them here keeps the table small without a sweeper.
  await db.deleteFrom('sessions').where('expires_at', '<=', now).execute();
  return { sessionId, csrfToken, expiresAt };
}

export async function deleteSession(db: Kysely<Database>, sessionId: string): Promise<void> {
  await db.deleteFrom('sessions').where('id_sha256', '=', sha256Hex(sessionId)).execute();
}
