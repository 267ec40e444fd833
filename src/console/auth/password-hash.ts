/**
 * Password hashing with scrypt from node:crypto: a random 16-byte salt, N=2^15, r=8, p=1, a 64-byte key
 * (OWASP Password Storage Cheat Sheet's scrypt minimum), stored as `scrypt$N$r$p$salt$hash` (base64url)
 * so the parameters can be raised later without breaking stored hashes.
 */
import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

/** scrypt's work factors. Verification reads them from the stored hash, so any cost verifies. */
export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/** What every hash parley stores costs (about 175 ms of one core here). */
export const DEFAULT_SCRYPT_COST: Readonly<ScryptCost> = { N: 2 ** 15, r: 8, p: 1 };
const KEY_LENGTH = 64;
export const MIN_PASSWORD_LENGTH = 12;

export interface HashPasswordOptions {
  /** Default DEFAULT_SCRYPT_COST. Only tests pass less: hundreds of test users at full cost are minutes of CPU. */
  cost?: ScryptCost;
  random?: (size: number) => Buffer;
}

function derive(password: string, salt: Buffer, options: ScryptCost): Promise<Buffer> {
  // scrypt needs 128·N·r bytes (32 MiB by default), exactly Node's default maxmem, so allow headroom.
  const scryptOptions: ScryptOptions = { ...options, maxmem: 256 * options.N * options.r };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, scryptOptions, (error, key) =>
      error === null ? resolve(key) : reject(error),
    );
  });
}

export async function hashPassword(password: string, options: HashPasswordOptions = {}): Promise<string> {
  const { N, r, p } = options.cost ?? DEFAULT_SCRYPT_COST;
  const salt = (options.random ?? randomBytes)(16);
  const key = await derive(password, salt, { N, r, p });
  return ['scrypt', N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** False for a wrong password and for a stored value that is not a scrypt hash; never throws on bad input. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || salt === undefined || hash === undefined) return false;
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  if (!Object.values(params).every((value) => Number.isInteger(value) && value > 0)) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await derive(password, Buffer.from(salt, 'base64url'), params);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** A hash of nothing anyone knows: verified against when the email is unknown, so both paths cost one scrypt. */
export const UNUSABLE_HASH = `scrypt$${DEFAULT_SCRYPT_COST.N}$${DEFAULT_SCRYPT_COST.r}$${DEFAULT_SCRYPT_COST.p}$${Buffer.alloc(16).toString('base64url')}$${Buffer.alloc(KEY_LENGTH).toString('base64url')}`;
