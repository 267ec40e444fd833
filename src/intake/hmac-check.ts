/**
 * The optional HMAC on Accelevents webhooks. Accelevents documents no signing at all
 * (docs/accelevents-assumptions.md), so this is for a proxy or relay an admin puts in front, configured
 * as `accelevents.webhook.hmac`. The rules are Stripe's (https://docs.stripe.com/webhooks) and
 * octokit's (https://github.com/octokit/webhooks-methods.js): the MAC is over the raw bytes, a `sha256=`
 * prefix is allowed, the digest must decode to exactly 32 bytes, and the comparison is
 * `timingSafeEqual`. The secret comes from the environment, never from the config file.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { IntakeError } from './intake-error.js';
import type { HeaderBag } from './map-payload.js';
import type { HmacSettings } from './webhook-config.js';

/** SHA-256 digests are 32 bytes. */
const DIGEST_BYTES = 32;
const HEX = /^[0-9a-f]{64}$/i;
const BASE64 = /^[A-Za-z0-9+/_-]{43}={0,1}$/;

export type HmacCheck = (rawBody: Buffer, headers: HeaderBag) => { ok: true } | { ok: false; reason: string };

function decode(value: string, encoding: HmacSettings['encoding']): Buffer | null {
  const text = value.trim().replace(/^sha256=/i, '');
  if (encoding === 'hex') return HEX.test(text) ? Buffer.from(text, 'hex') : null;
  if (!BASE64.test(text)) return null;
  const bytes = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return bytes.length === DIGEST_BYTES ? bytes : null;
}

/** Null when no HMAC is configured. Throws when the secret's environment variable is unset. */
export function createHmacCheck(settings: HmacSettings | null, env: NodeJS.ProcessEnv = process.env): HmacCheck | null {
  if (settings === null) return null;
  const secret = env[settings.secretEnv];
  if (secret === undefined || secret === '') {
    throw new IntakeError(
      'missing_hmac_secret',
      `accelevents.webhook.hmac.secretEnv names ${settings.secretEnv}, which is not set; set it to the shared HMAC secret or remove accelevents.webhook.hmac`,
    );
  }
  const key = Buffer.from(secret, 'utf8');
  return (rawBody, headers) => {
    const value = headers[settings.header];
    const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
    if (values.length === 0) return { ok: false, reason: `the ${settings.header} header is missing` };
    const expected = createHmac(settings.algorithm, key).update(rawBody).digest();
    for (const candidate of values) {
      const given = decode(candidate, settings.encoding);
      if (given && timingSafeEqual(given, expected)) return { ok: true };
    }
    return { ok: false, reason: `the ${settings.header} header does not match the body` };
  };
}
