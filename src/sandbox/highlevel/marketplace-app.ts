/**
 * What a developer enters in HighLevel's developer portal for a Marketplace app's workflow modules:
 * the trigger subscription URL, one URL per custom action, and the static headers HighLevel sends on
 * every call to the app. HighLevel signs none of these calls; the static headers are the only
 * credential (https://marketplace.gohighlevel.com/docs/marketplace-modules/CustomTriggers).
 */
import { SandboxError } from './sandbox-errors.js';

export interface MarketplaceAppSettings {
  subscriptionUrl: string | null;
  /** Action key → the URL HighLevel POSTs the action's `{ data, extras, meta }` to. */
  actionUrls: Record<string, string>;
  /** Sent as they are on every call to the app; their values are never shown back. */
  headers: Record<string, string>;
}

export const NO_MARKETPLACE_APP: MarketplaceAppSettings = { subscriptionUrl: null, actionUrls: {}, headers: {} };

const KEYS = ['subscriptionUrl', 'actionUrls', 'headers'];
/** HTTP header names are tokens (RFC 9110 §5.1). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function fail(message: string): never {
  throw new SandboxError('invalid_option', message);
}

function checkUrl(name: string, value: unknown): string {
  try {
    const parsed = new URL(String(value));
    if (typeof value === 'string' && (parsed.protocol === 'http:' || parsed.protocol === 'https:')) return value;
  } catch {}
  return fail(`${name} must be an absolute http(s) URL, got ${JSON.stringify(value)}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function checkMarketplaceApp(partial: unknown): Partial<MarketplaceAppSettings> {
  if (!isRecord(partial)) fail('the marketplace app settings must be an object');
  for (const key of Object.keys(partial)) {
    if (!KEYS.includes(key)) fail(`the marketplace app has no setting ${key}; expected one of ${KEYS.join(', ')}`);
  }
  const out: Partial<MarketplaceAppSettings> = {};
  if (partial['subscriptionUrl'] !== undefined) {
    out.subscriptionUrl =
      partial['subscriptionUrl'] === null ? null : checkUrl('subscriptionUrl', partial['subscriptionUrl']);
  }
  if (partial['actionUrls'] !== undefined) {
    const urls = partial['actionUrls'];
    if (!isRecord(urls)) fail('actionUrls must be an object of action key → URL');
    out.actionUrls = Object.fromEntries(
      Object.entries(urls).map(([key, url]) => [key, checkUrl(`actionUrls.${key}`, url)]),
    );
  }
  if (partial['headers'] !== undefined) {
    const headers = partial['headers'];
    if (!isRecord(headers)) fail('headers must be an object of header name → value');
    for (const [name, value] of Object.entries(headers)) {
      if (!HEADER_NAME.test(name)) fail(`headers: ${JSON.stringify(name)} is not a valid header name`);
      if (typeof value !== 'string') fail(`headers.${name} must be a string`);
    }
    out.headers = { ...(headers as Record<string, string>) };
  }
  return out;
}

/** The settings as /sandbox/info shows them: header names only, since their values are the app's secret. */
export function describeMarketplaceApp(settings: MarketplaceAppSettings) {
  return {
    subscriptionUrl: settings.subscriptionUrl,
    actionUrls: { ...settings.actionUrls },
    headerNames: Object.keys(settings.headers),
  };
}
