/**
 * Random identifiers for the sandbox: HighLevel-style 20-character ids and opaque bearer tokens.
 * Randomness comes in as `randomBytes` so a test can make it deterministic.
 */
import { randomBytes as cryptoRandomBytes } from 'node:crypto';

export type RandomBytes = (size: number) => Buffer;

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** HighLevel ids are 20 alphanumerics, e.g. "ve9EPM428h8vShlRW1KT" (the spec's examples). */
export function createIdGenerator(randomBytes: RandomBytes = cryptoRandomBytes): () => string {
  return () => {
    let id = '';
    for (const byte of randomBytes(20)) id += ALPHANUMERIC[byte % ALPHANUMERIC.length];
    return id;
  };
}

/** Prefixes make sandbox secrets recognisable in a leak scan and impossible to confuse with live ones. */
export type TokenPrefix = 'sbx_at_' | 'sbx_rt_' | 'sbx_pit_' | 'sbx_code_';

export function createTokenGenerator(randomBytes: RandomBytes = cryptoRandomBytes): (prefix: TokenPrefix) => string {
  return (prefix) => prefix + randomBytes(24).toString('base64url');
}
