/**
 * Verifies a HighLevel webhook's signature over the raw request bytes
 * (https://marketplace.gohighlevel.com/docs/webhook/WebhookIntegrationGuide):
 * Ed25519 `x-ghl-signature` first, then the legacy RSA-SHA256 `x-wh-signature`, both base64.
 *
 * - Raw bytes, not re-serialised JSON: HighLevel's own sample and SDK verify `JSON.stringify(parsed)`,
 *   which breaks on any difference in key order or escaping; Stripe and Standard Webhooks verify the
 *   raw body (https://www.standardwebhooks.com/).
 * - Any configured key may match, so a rotated key can be added before the old one is dropped.
 * - An invalid Ed25519 signature still lets a valid RSA one through: both keys are HighLevel's, and
 *   during the announced move from `x-wh-signature` to `x-ghl-signature` (docs/highlevel-api.md) a
 *   receiver whose Ed25519 key list lags a rotation keeps working. The SDK falls back only when the Ed25519
 *   header is absent; accepting either valid signature is no weaker, as both need a HighLevel key.
 *
 * Signature checks are `crypto.verify` (public-key verification), so there is no secret to compare in
 * constant time here.
 */
import { type KeyObject, verify } from 'node:crypto';
import type { WebhookKeys } from './webhook-keys.js';

export type SignatureCheck = { ok: true; scheme: 'ed25519' | 'rsa' } | { ok: false; reason: string };

export interface VerifySignatureInput {
  rawBody: Buffer;
  /** Node's incoming headers (lower-case names). */
  headers: Record<string, string | string[] | undefined>;
  keys: WebhookKeys;
}

const ED25519_HEADER = 'x-ghl-signature';
const RSA_HEADER = 'x-wh-signature';
/** An Ed25519 signature is always 64 bytes (RFC 8032 §5.1.6). */
const ED25519_SIGNATURE_BYTES = 64;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function signatures(headers: VerifySignatureInput['headers'], name: string): Buffer[] {
  const value = headers[name];
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return values
    .map((v) => v.trim())
    .filter((v) => BASE64.test(v))
    .map((v) => Buffer.from(v, 'base64'));
}

function anyKeyVerifies(algorithm: 'sha256' | null, body: Buffer, sigs: Buffer[], keys: KeyObject[]): boolean {
  for (const sig of sigs) {
    if (algorithm === null && sig.length !== ED25519_SIGNATURE_BYTES) continue;
    for (const key of keys) {
      try {
        if (verify(algorithm, body, key, sig)) return true;
      } catch {
        // A key of the wrong size for the signature throws; it simply does not match.
      }
    }
  }
  return false;
}

export function verifyHighLevelSignature(input: VerifySignatureInput): SignatureCheck {
  const { rawBody, headers, keys } = input;
  const hasEd = headers[ED25519_HEADER] !== undefined;
  const hasRsa = headers[RSA_HEADER] !== undefined;
  if (!hasEd && !hasRsa) return { ok: false, reason: `neither ${ED25519_HEADER} nor ${RSA_HEADER} is present` };

  if (hasEd && anyKeyVerifies(null, rawBody, signatures(headers, ED25519_HEADER), keys.ed25519)) {
    return { ok: true, scheme: 'ed25519' };
  }
  if (hasRsa && anyKeyVerifies('sha256', rawBody, signatures(headers, RSA_HEADER), keys.rsa)) {
    return { ok: true, scheme: 'rsa' };
  }
  const tried = [
    hasEd ? `${ED25519_HEADER} (${keys.ed25519.length} keys)` : '',
    hasRsa ? `${RSA_HEADER} (${keys.rsa.length} keys)` : '',
  ]
    .filter(Boolean)
    .join(' and ');
  return { ok: false, reason: `${tried}: no configured key verifies the signature over the body` };
}
