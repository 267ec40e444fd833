/**
 * The secrets parley hands out (API tokens, session ids, CSRF tokens) and how they are stored: as a
 * SHA-256 hex digest only, so a copy of the database grants nothing. Comparisons are constant-time.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const API_TOKEN_PREFIX = 'pk_';

export function sha256Hex(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** `pk_` + 32 random bytes (256 bits), base64url. */
export function newApiToken(random: (size: number) => Buffer = randomBytes): string {
  return `${API_TOKEN_PREFIX}${random(32).toString('base64url')}`;
}

export function newSessionId(random: (size: number) => Buffer = randomBytes): string {
  return random(32).toString('base64url');
}

/**
 * The CSRF token is derived from the session id (OWASP CSRF Cheat Sheet, "HMAC based token"), so a
 * server-rendered page can give it again to the holder of the cookie while the table keeps only its digest.
 */
export function csrfTokenFor(sessionId: string): string {
  return createHmac('sha256', sessionId).update('parley-csrf').digest('base64url');
}

/** Constant-time equality of two hex digests. */
export function sameDigest(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}
