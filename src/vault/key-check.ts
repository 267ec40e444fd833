/**
 * The key check: proof, stored in `settings`, of which master key a database was initialised with,
 * so a wrong key stops startup with a clear message instead of failing on the first decrypt. It is
 * an HMAC-SHA256 of a fixed label under a key derived from the master key with HKDF, so it reveals
 * nothing about the master key, and is compared in constant time.
 */
import { createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

export const KEY_CHECK_SETTING = 'vault.key_check';
const VERSION = 'v1';
const HKDF_INFO = 'parley/vault/key-check/v1';
const LABEL = 'parley vault key check';

export function computeKeyCheck(masterKey: Buffer): string {
  const derived = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), HKDF_INFO, 32));
  const mac = createHmac('sha256', derived).update(LABEL, 'utf8').digest('base64url');
  return `${VERSION}.${mac}`;
}

/** True when `stored` is the key check of `masterKey`; equal-length digests keep it constant-time. */
export function keyCheckMatches(stored: string, masterKey: Buffer): boolean {
  const expected = createHash('sha256').update(computeKeyCheck(masterKey), 'utf8').digest();
  const actual = createHash('sha256').update(stored, 'utf8').digest();
  return timingSafeEqual(expected, actual);
}
