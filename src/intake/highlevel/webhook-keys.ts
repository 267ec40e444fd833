/**
 * Turns the configured webhook public keys (PEM text, `highlevel.webhookKeys`) into KeyObjects once, at
 * startup, so a bad key stops startup with a message naming it instead of failing every delivery.
 * Also reads the keys a parley sandbox publishes at GET /sandbox/webhook-keys, so a receiver pointed at
 * the sandbox can trust its signatures the same way it trusts HighLevel's.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import type { HighLevelAppConfig } from '../../highlevel/highlevel-settings.js';
import { ParleyError } from '../../lib/parley-error.js';
import { PUBLISHED_WEBHOOK_KEYS } from './published-keys.js';

export interface WebhookKeys {
  ed25519: KeyObject[];
  rsa: KeyObject[];
}

export interface WebhookKeyPems {
  ed25519: readonly string[];
  rsa: readonly string[];
}

export type WebhookKeyErrorCode = 'invalid_webhook_key' | 'sandbox_keys_unavailable';

export class WebhookKeyError extends ParleyError<WebhookKeyErrorCode> {
  override readonly name = 'WebhookKeyError';
}

function parseKey(pem: string, expected: 'ed25519' | 'rsa', where: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (cause) {
    throw new WebhookKeyError('invalid_webhook_key', `${where} is not a PEM public key (SPKI)`, { cause });
  }
  if (key.asymmetricKeyType !== expected) {
    throw new WebhookKeyError(
      'invalid_webhook_key',
      `${where} must be an ${expected} public key, got ${key.asymmetricKeyType ?? 'an unknown key type'}`,
    );
  }
  return key;
}

/** Parses every PEM; throws WebhookKeyError naming the first bad one (`webhookKeys.rsa[1]`). */
export function parseWebhookKeys(pems: WebhookKeyPems): WebhookKeys {
  if (!Array.isArray(pems?.ed25519) || !Array.isArray(pems?.rsa)) {
    throw new WebhookKeyError('invalid_webhook_key', 'webhookKeys must have two lists of PEM keys: ed25519 and rsa');
  }
  const keys: WebhookKeys = {
    ed25519: pems.ed25519.map((pem, i) => parseKey(pem, 'ed25519', `webhookKeys.ed25519[${i}]`)),
    rsa: pems.rsa.map((pem, i) => parseKey(pem, 'rsa', `webhookKeys.rsa[${i}]`)),
  };
  if (keys.ed25519.length + keys.rsa.length === 0) {
    throw new WebhookKeyError('invalid_webhook_key', 'webhookKeys is empty: no webhook could ever be verified');
  }
  return keys;
}

/** Adds the second set's keys to the first (e.g. HighLevel's published keys plus a sandbox's). */
export function mergeWebhookKeys(a: WebhookKeys, b: WebhookKeys): WebhookKeys {
  return { ed25519: [...a.ed25519, ...b.ed25519], rsa: [...a.rsa, ...b.rsa] };
}

/** The Ed25519 and RSA keys a parley sandbox signs its webhooks with (GET /sandbox/webhook-keys). */
export async function fetchSandboxWebhookKeys(
  sandboxUrl: string,
  options: { fetch?: typeof fetch } = {},
): Promise<WebhookKeys> {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const url = new URL('/sandbox/webhook-keys', sandboxUrl).toString();
  let body: unknown;
  try {
    const res = await fetchImpl(url, { signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    body = await res.json();
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new WebhookKeyError(
      'sandbox_keys_unavailable',
      `could not read the sandbox's webhook keys at ${url}: ${reason}`,
      {
        cause,
      },
    );
  }
  const { ed25519, rsa } = (body ?? {}) as { ed25519?: unknown; rsa?: unknown };
  if (typeof ed25519 !== 'string' || typeof rsa !== 'string') {
    throw new WebhookKeyError('sandbox_keys_unavailable', `${url} did not answer { ed25519: PEM, rsa: PEM }`);
  }
  return parseWebhookKeys({ ed25519: [ed25519], rsa: [rsa] });
}

/**
 * The keys the /hooks/highlevel route trusts: HighLevel's published keys, the ones config adds, and,
 * when the target is the sandbox, the sandbox's own (fetched from its base URL).
 */
export async function resolveWebhookKeys(
  highlevel: Pick<HighLevelAppConfig, 'target' | 'baseUrl' | 'webhookKeys'>,
  options: { fetch?: typeof fetch } = {},
): Promise<WebhookKeys> {
  const configured = mergeWebhookKeys(
    parseWebhookKeys(PUBLISHED_WEBHOOK_KEYS),
    parseConfiguredKeys(highlevel.webhookKeys),
  );
  if (highlevel.target !== 'sandbox') return configured;
  return mergeWebhookKeys(configured, await fetchSandboxWebhookKeys(highlevel.baseUrl, options));
}

/** Like parseWebhookKeys, but an empty list is fine (config adds nothing). */
function parseConfiguredKeys(pems: WebhookKeyPems): WebhookKeys {
  return pems.ed25519.length + pems.rsa.length === 0 ? { ed25519: [], rsa: [] } : parseWebhookKeys(pems);
}
