/**
 * AES-256-GCM sealing, the one cipher of the vault. A fresh 12-byte random IV per seal: NIST
 * SP 800-38D §8.3 (https://csrc.nist.gov/pubs/sp/800/38/d/final) allows 2³² random-IV encryptions
 * per key, and rotation gives every new write a new data key long before that. The tag is always
 * 16 bytes and the decipher is told so, because Node otherwise accepts a truncated tag.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';

export const KEY_BYTES = 32;
export const IV_BYTES = 12;
export const TAG_BYTES = 16;
const ALGORITHM = 'aes-256-gcm';

export interface Sealed {
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

export function seal(key: Buffer, plaintext: Buffer, aad: string, iv: Buffer): Sealed {
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, tag: cipher.getAuthTag(), ciphertext };
}

/** The plaintext, or null when the tag does not verify (wrong key, AAD, IV, tag or ciphertext). */
export function unseal(key: Buffer, sealed: Sealed, aad: string): Buffer | null {
  if (sealed.iv.length !== IV_BYTES || sealed.tag.length !== TAG_BYTES) return null;
  try {
    const decipher = createDecipheriv(ALGORITHM, key, sealed.iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(sealed.tag);
    return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]);
  } catch {
    return null;
  }
}
