/**
 * The sandbox's options, their defaults, and the checks that reject bad values with a message naming
 * the option. The same checks guard the runtime controls (setFaults, setRateLimits, /sandbox/* routes).
 */
import type { Logger } from '../../lib/create-logger.js';
import { type Faults, NO_FAULTS } from './fault-injector.js';
import type { MarketplaceAppSettings } from './marketplace-app.js';
import type { RandomBytes } from './random-ids.js';
import type { RateLimits } from './rate-limiter.js';
import { SandboxError } from './sandbox-errors.js';
import type { OperationHandler } from './types.js';

export interface HighLevelSandboxOptions {
  /** Clock, epoch ms. Drives token expiry, rate-limit windows and webhook timestamps. */
  now?: () => number;
  /** Uniform [0, 1), for fault decisions. */
  random?: () => number;
  /** Source of ids, tokens and codes. */
  randomBytes?: RandomBytes;
  /** Used to deliver webhooks. */
  fetch?: typeof fetch;
  /** Used for latency faults and webhook retry waits; tests pass one that records and resolves at once. */
  sleep?: (ms: number) => Promise<void>;
  /** Operation handlers; default: the domain layer's (createSandboxDomain). */
  handlers?: Record<string, OperationHandler>;
  burstLimit?: number;
  burstIntervalMs?: number;
  dailyLimit?: number;
  accessTokenTtlSeconds?: number;
  clientId?: string;
  clientSecret?: string;
  webhookUrl?: string;
  webhookRetryIntervalMs?: number;
  faults?: Partial<Faults>;
  messagesShape?: 'wrapped' | 'flat';
  rsaModulusLength?: number;
  logger?: Logger;
  companyId?: string;
  defaultLocationId?: string;
  /** The Marketplace app's workflow settings (subscription URL, action URLs, static headers). */
  marketplaceApp?: Partial<MarketplaceAppSettings>;
}

/** HighLevel's numbers: 100 per 10 s, 200,000 a day (https://marketplace.gohighlevel.com/docs/other/rate-limits). */
export const DEFAULT_RATE_LIMITS: RateLimits = { burstLimit: 100, burstIntervalMs: 10_000, dailyLimit: 200_000 };
/** The spec's example `expires_in` (specs/highlevel/apps/oauth.json): access tokens are valid for a day. */
export const DEFAULT_ACCESS_TOKEN_TTL_SECONDS = 86_399;
/** HighLevel retries a 429'd webhook about every 10 minutes (see webhook-dispatcher.ts). */
export const DEFAULT_WEBHOOK_RETRY_INTERVAL_MS = 600_000;
/** HighLevel's RSA webhook key is 4096-bit (see webhook-signer.ts); 2048 keeps startup fast. */
export const DEFAULT_RSA_MODULUS_LENGTH = 2048;
/** Fixed so a developer's config survives sandbox restarts; 20 characters like HighLevel's ids. */
export const DEFAULT_COMPANY_ID = 'SbxCompany0000000001';
export const DEFAULT_LOCATION_ID = 'SbxLocation000000001';
export const SANDBOX_USER_ID = 'SbxUser0000000000001';

function fail(message: string): never {
  throw new SandboxError('invalid_option', message);
}

export function checkNumber(
  name: string,
  value: unknown,
  rule: { min: number; max?: number; integer?: boolean },
): number {
  const range = rule.max === undefined ? `>= ${rule.min}` : `between ${rule.min} and ${rule.max}`;
  const kind = rule.integer ? 'an integer' : 'a number';
  if (typeof value !== 'number' || !Number.isFinite(value) || (rule.integer && !Number.isInteger(value))) {
    fail(`${name} must be ${kind} ${range}, got ${JSON.stringify(value)}`);
  }
  if (value < rule.min || (rule.max !== undefined && value > rule.max))
    fail(`${name} must be ${kind} ${range}, got ${value}`);
  return value;
}

function checkKeys(what: string, partial: object, allowed: readonly string[]): void {
  for (const key of Object.keys(partial)) {
    if (!allowed.includes(key)) fail(`${what} has no option ${key}; expected one of ${allowed.join(', ')}`);
  }
}

export function checkFaults(partial: Partial<Faults>): Partial<Faults> {
  if (typeof partial !== 'object' || partial === null) fail('faults must be an object');
  checkKeys('faults', partial, Object.keys(NO_FAULTS));
  const out: Partial<Faults> = {};
  for (const key of ['errorRate', 'timeoutRate', 'resetRate'] as const) {
    if (partial[key] !== undefined) out[key] = checkNumber(key, partial[key], { min: 0, max: 1 });
  }
  for (const key of ['latencyMs', 'latencyJitterMs'] as const) {
    if (partial[key] !== undefined) out[key] = checkNumber(key, partial[key], { min: 0 });
  }
  return out;
}

export function checkRateLimits(partial: Partial<RateLimits>): Partial<RateLimits> {
  if (typeof partial !== 'object' || partial === null) fail('rate limits must be an object');
  checkKeys('rate limits', partial, Object.keys(DEFAULT_RATE_LIMITS));
  const out: Partial<RateLimits> = {};
  for (const key of ['burstLimit', 'burstIntervalMs', 'dailyLimit'] as const) {
    if (partial[key] !== undefined) out[key] = checkNumber(key, partial[key], { min: 1, integer: true });
  }
  return out;
}

export function checkWebhookUrl(url: unknown): string | undefined {
  if (url === undefined) return undefined;
  try {
    const parsed = new URL(String(url));
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return parsed.toString();
  } catch {}
  return fail(`webhookUrl must be an absolute http(s) URL, got ${JSON.stringify(url)}`);
}

/** Checks the options that have no other home; the rest are checked where they are used. */
export function checkOptions(options: HighLevelSandboxOptions): void {
  if (options.accessTokenTtlSeconds !== undefined) {
    checkNumber('accessTokenTtlSeconds', options.accessTokenTtlSeconds, { min: 1, integer: true });
  }
  if (options.webhookRetryIntervalMs !== undefined) {
    checkNumber('webhookRetryIntervalMs', options.webhookRetryIntervalMs, { min: 0 });
  }
  if (options.rsaModulusLength !== undefined) {
    checkNumber('rsaModulusLength', options.rsaModulusLength, { min: 1024, integer: true });
  }
  if (options.messagesShape !== undefined && !['wrapped', 'flat'].includes(options.messagesShape)) {
    fail(`messagesShape must be "wrapped" or "flat", got ${JSON.stringify(options.messagesShape)}`);
  }
  for (const key of ['clientId', 'clientSecret', 'companyId', 'defaultLocationId'] as const) {
    const value = options[key];
    if (value !== undefined && (typeof value !== 'string' || value.length === 0))
      fail(`${key} must be a non-empty string`);
  }
}
