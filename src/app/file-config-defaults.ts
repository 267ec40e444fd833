/**
 * Fills in every default of the file config. For the sandbox target everything has a working
 * default; for live, the client id must be in the file and the secret in HIGHLEVEL_CLIENT_SECRET.
 */
import { resolve } from 'node:path';
import { ConfigError } from '../config/load-config.js';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET } from '../config/sandbox-credentials.js';
import { DEFAULT_FEATURES } from '../features/feature-names.js';
import { applyRunDefaults } from '../jobs/run-settings.js';
import { applyMarketplaceDefaults } from '../marketplace/marketplace-settings.js';
import { applySponsorDefaults } from '../search/sponsor-settings.js';
import { DEFAULT_SERVER_TIMEOUTS } from '../server/server-settings.js';
import type { ParleyFileConfig } from './config-types.js';
import type { RawFileConfig } from './file-config-schema.js';

/** API base and consent page, from https://github.com/GoHighLevel/highlevel-api-docs (docs/oauth/Authorization.md). */
export const LIVE_BASE_URL = 'https://services.leadconnectorhq.com';
export const LIVE_AUTHORIZE_URL = 'https://marketplace.gohighlevel.com/v2/oauth/chooselocation';
export const ACCELEVENTS_BASE_URL = 'https://api.accelevents.com/rest';
/** 15 minutes ahead, as Nango does (https://github.com/NangoHQ/nango, connections/utils.ts). */
export const DEFAULT_REFRESH_MARGIN_SECONDS = 900;
export const DEFAULT_REFRESH_CHECK_SECONDS = 60;
export const CLIENT_SECRET_VARIABLE = 'HIGHLEVEL_CLIENT_SECRET';

export interface DefaultsContext {
  env: NodeJS.ProcessEnv;
  /** parley's HTTP port (PORT), for the default redirect URI. */
  port: number;
  sandboxUrl: string;
  /** Where a relative `workflows.path` is resolved from; default process.cwd(). */
  cwd?: string;
}

export function applyFileDefaults(raw: RawFileConfig, context: DefaultsContext): ParleyFileConfig {
  const hl = raw.highlevel ?? {};
  const target = hl.target ?? 'sandbox';
  const sandboxUrl = trimSlash(context.sandboxUrl);
  const envSecret = nonEmpty(context.env[CLIENT_SECRET_VARIABLE]);

  let clientId: string;
  let clientSecret: string;
  if (target === 'live') {
    if (hl.clientId === undefined) {
      throw new ConfigError(
        'invalid config file: highlevel.clientId is required when highlevel.target is live (the Client ID from your Marketplace app)',
      );
    }
    if (envSecret === undefined) {
      throw new ConfigError(
        `${CLIENT_SECRET_VARIABLE} is not set: highlevel.target is live, so the app's client secret must come from the ${CLIENT_SECRET_VARIABLE} environment variable`,
      );
    }
    clientId = hl.clientId;
    clientSecret = envSecret;
  } else {
    clientId = hl.clientId ?? DEFAULT_CLIENT_ID;
    clientSecret = envSecret ?? DEFAULT_CLIENT_SECRET;
  }

  const redirectUri = hl.redirectUri ?? `http://127.0.0.1:${context.port}/oauth/highlevel/callback`;
  return {
    highlevel: {
      target,
      baseUrl: trimSlash(hl.baseUrl ?? (target === 'live' ? LIVE_BASE_URL : sandboxUrl)),
      authorizeUrl:
        hl.authorizeUrl ?? (target === 'live' ? LIVE_AUTHORIZE_URL : `${sandboxUrl}/v2/oauth/chooselocation`),
      clientId,
      clientSecret,
      redirectUri,
      webhookKeys: { ed25519: hl.webhookKeys?.ed25519 ?? [], rsa: hl.webhookKeys?.rsa ?? [] },
    },
    features: raw.features ? [...new Set(raw.features)] : [...DEFAULT_FEATURES],
    refresh: {
      marginSeconds: raw.refresh?.marginSeconds ?? DEFAULT_REFRESH_MARGIN_SECONDS,
      checkIntervalSeconds: raw.refresh?.checkIntervalSeconds ?? DEFAULT_REFRESH_CHECK_SECONDS,
    },
    accelevents: {
      baseUrl: trimSlash(raw.accelevents?.baseUrl ?? ACCELEVENTS_BASE_URL),
      readAuth: raw.accelevents?.readAuth ?? 'authorization',
      writeAuth: raw.accelevents?.writeAuth ?? 'key',
      // Kept as written: the intake merges in its mapping defaults (src/intake/webhook-config.ts).
      webhook: raw.accelevents?.webhook,
    },
    workflows: { path: raw.workflows?.path ? resolve(context.cwd ?? process.cwd(), raw.workflows.path) : null },
    runs: applyRunDefaults(raw.runs),
    events: (raw.events ?? []).map((event) => ({
      eventUrl: event.eventUrl,
      name: event.name ?? null,
      locationId: event.locationId ?? null,
      sessionsPoll: event.sessionsPoll ?? true,
      timeZone: event.timezone ?? null,
      recipients: event.recipients ?? null,
      formatLabels: { ...event.formatLabels },
    })),
    sponsor: applySponsorDefaults(raw.sponsor),
    console: {
      secureCookies: raw.console?.secureCookies ?? redirectUri.startsWith('https:'),
      indexSyncMinutes: raw.console?.indexSyncMinutes ?? 15,
      retention: {
        bodiesDays: raw.console?.retention?.bodiesDays ?? null,
        transcriptsDays: raw.console?.retention?.transcriptsDays ?? null,
      },
    },
    server: {
      // One address written alone is a list of one.
      trustProxy:
        typeof raw.server?.trustProxy === 'string' ? [raw.server.trustProxy] : (raw.server?.trustProxy ?? false),
      timeouts: { ...DEFAULT_SERVER_TIMEOUTS, ...raw.server?.timeouts },
      metrics: { bind: raw.server?.metrics?.bind ?? 'loopback', tokenEnv: raw.server?.metrics?.tokenEnv ?? null },
    },
    marketplace: applyMarketplaceDefaults(raw.marketplace),
  };
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
