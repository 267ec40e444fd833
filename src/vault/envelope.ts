/**
 * The two text formats the vault stores (src/vault/types.ts):
 * - a value envelope `v1.<kid>.<iv>.<tag>.<ciphertext>`, each part base64url;
 * - a wrapped data key `w1.<iv>.<tag>.<ciphertext>` in `vault_keys.wrapped_key`.
 * Parsing checks the shape only; whether the bytes are genuine is for the GCM tag to say.
 */
import { IV_BYTES, type Sealed, TAG_BYTES } from './aes-gcm.js';

const ENVELOPE_VERSION = 'v1';
const WRAPPED_VERSION = 'w1';
const BASE64URL = /^[A-Za-z0-9_-]*$/;
const KEY_ID = /^[A-Za-z0-9_-]{1,64}$/;

export interface Envelope extends Sealed {
  kid: string;
}

export function formatEnvelope(kid: string, sealed: Sealed): string {
  return [ENVELOPE_VERSION, kid, ...sealedParts(sealed)].join('.');
}

/** The prefix every envelope under `kid` starts with; rotation finds old values by it. */
export function envelopePrefix(kid: string): string {
  return `${ENVELOPE_VERSION}.${kid}.`;
}

/** Parses an envelope, or returns a reason it is malformed (no part of the value is echoed). */
export function parseEnvelope(text: string): Envelope | string {
  const parts = text.split('.');
  if (parts.length !== 5) return `expected 5 dot-separated parts, got ${parts.length}`;
  const [version, kid, ...rest] = parts as [string, string, string, string, string];
  if (version !== ENVELOPE_VERSION) return `unsupported envelope version (expected ${ENVELOPE_VERSION})`;
  if (!KEY_ID.test(kid)) return 'the key id is not a valid key id';
  const sealed = parseSealed(rest);
  return typeof sealed === 'string' ? sealed : { kid, ...sealed };
}

export function formatWrappedKey(sealed: Sealed): string {
  return [WRAPPED_VERSION, ...sealedParts(sealed)].join('.');
}

export function parseWrappedKey(text: string): Sealed | string {
  const parts = text.split('.');
  if (parts.length !== 4) return `expected 4 dot-separated parts, got ${parts.length}`;
  const [version, ...rest] = parts as [string, string, string, string];
  if (version !== WRAPPED_VERSION) return `unsupported wrapped key version (expected ${WRAPPED_VERSION})`;
  return parseSealed(rest);
}

function sealedParts(sealed: Sealed): string[] {
  return [sealed.iv, sealed.tag, sealed.ciphertext].map((part) => part.toString('base64url'));
}

function parseSealed(parts: string[]): Sealed | string {
  if (!parts.every((part) => BASE64URL.test(part))) return 'a part is not base64url';
  const [iv, tag, ciphertext] = parts.map((part) => Buffer.from(part, 'base64url')) as [Buffer, Buffer, Buffer];
  if (iv.length !== IV_BYTES) return `the IV is ${iv.length} bytes (expected ${IV_BYTES})`;
  if (tag.length !== TAG_BYTES) return `the tag is ${tag.length} bytes (expected ${TAG_BYTES})`;
  return { iv, tag, ciphertext };
}
