/**
 * The shape of the file configuration (`parley.config.yaml`, or PARLEY_CONFIG) after parsing and
 * defaults. Secrets never live in this file: the HighLevel client secret comes from
 * HIGHLEVEL_CLIENT_SECRET, tokens and API keys from the vault.
 */

import type { SponsorSettings } from './sponsor-settings.js';
import type { MappedFieldName } from './webhook-vocabulary.js';

export type FeatureName =
  | 'registration-welcome'
  | 'checkin-welcome'
  | 'session-highlights'
  | 'sponsor-channel'
  | 'agent-console'
  | 'agent-console-readonly';

export interface HighLevelAppConfig {
  /** 'sandbox': the built-in sandbox (default until real credentials are connected); 'live': HighLevel. */
  target: 'sandbox' | 'live';
  /** API base URL; for 'sandbox' it is the built-in sandbox's URL. */
  baseUrl: string;
  /** Consent page (docs/highlevel-api.md); white-label apps use marketplace.leadconnectorhq.com. */
  authorizeUrl: string;
  clientId: string;
  /** From HIGHLEVEL_CLIENT_SECRET; for 'sandbox' the sandbox's fixed secret. */
  clientSecret: string;
  /** Where HighLevel sends the user back: parley's GET /oauth/highlevel/callback. */
  redirectUri: string;
  /** Public keys (PEM) accepted for webhook signatures; HighLevel's published keys by default. */
  webhookKeys: { ed25519: string[]; rsa: string[] };
}

export type AcceleventsAuthPreset = 'authorization' | 'bearer' | 'key' | 'authentication';

export interface ParleyFileConfig {
  highlevel: HighLevelAppConfig;
  features: FeatureName[];
  refresh: {
    /** Refresh this long before expiry (default 15 min, as Nango uses). */
    marginSeconds: number;
    /** How often the background refresher looks for tokens coming due. */
    checkIntervalSeconds: number;
  };
  accelevents: {
    baseUrl: string;
    readAuth: AcceleventsAuthPreset;
    writeAuth: AcceleventsAuthPreset;
    /**
     * `accelevents.webhook` as written in the file (undefined when absent). The intake owns the mapping
     * defaults and merges them in (src/intake/webhook-config.ts `resolveWebhookConfig`).
     */
    webhook?: AcceleventsWebhookSettings;
  };
  workflows: {
    /** A user workflow file or directory, loaded beside the built-ins; absolute (resolved from cwd). */
    path: string | null;
  };
  /** Accelevents events parley knows: their HighLevel location, display name, and whether pollers watch them. */
  events: EventConfig[];
  console: {
    /** Session cookies carry `Secure`; default: true when highlevel.redirectUri is https. */
    secureCookies: boolean;
    /** How often each connected location's index is rescanned (with the one-hour overlap). Default 15. */
    indexSyncMinutes: number;
    /** Stored message bodies and call transcripts older than this many days are cleared; null keeps them. */
    retention: { bodiesDays: number | null; transcriptsDays: number | null };
  };
  /** Sponsors attendees write to and who answers for each (src/config/sponsor-settings.ts). */
  sponsor: SponsorSettings;
  server: ServerConfig;
}

/** `server:` — how parley's HTTP server treats connections, proxies and /metrics. */
export interface ServerConfig {
  /**
   * Whose `X-Forwarded-For` is believed for the client address (`request.ip`): false (default) none,
   * true every hop, a number that many hops, or a list of proxy addresses and CIDRs (Fastify's `trustProxy`).
   */
  trustProxy: boolean | number | string[];
  timeouts: ServerTimeouts;
  metrics: {
    /** 'loopback' (default): callers not on this machine get 404. 'any': everyone who has the token. */
    bind: 'loopback' | 'any';
    /** The environment variable holding the bearer token /metrics requires; null: no token. */
    tokenEnv: string | null;
  };
}

export interface ServerTimeouts {
  /** The whole header block must arrive within this (Node `headersTimeout`). */
  headersSeconds: number;
  /** The whole request, body included, must arrive within this (Fastify `requestTimeout`). */
  requestSeconds: number;
  /** A connection with no traffic either way is closed after this (Fastify `connectionTimeout`). */
  idleSeconds: number;
  /** An idle kept-alive connection waits this long for its next request (Fastify `keepAliveTimeout`). */
  keepAliveSeconds: number;
}

export interface EventConfig {
  /** The Accelevents event URL (slug), e.g. `devconf-2026`. */
  eventUrl: string;
  /** Shown in templates as `event.name`; null when not set (the event's own name may fill it). */
  name: string | null;
  /** The HighLevel location its attendees go to; null means the default location. */
  locationId: string | null;
  /** Whether the session poller watches this event for ended sessions. Default true. */
  sessionsPoll: boolean;
  /**
   * The event's IANA time zone, over what Accelevents says (`equivalentTimezone` / `timezoneId`): session
   * times are read and shown in it. Null: Accelevents' own.
   */
  timeZone: string | null;
  /**
   * Who a session's follow-up goes to. Null (the default): the session's attendees where Accelevents
   * offers per-session attendance, else the event's checked-in attendees; never every registrant.
   */
  recipients: SessionRecipients | null;
  /** Session format → the words templates show (`MAIN_STAGE: Keynote`); others read as "Main stage". */
  formatLabels: Record<string, string>;
}

export type SessionRecipients = 'session-attendees' | 'checked-in' | 'all-registrants';

/** Our names for what an Accelevents webhook is about (src/intake/topics.ts). */
export type AcceleventsWebhookTopicName =
  | 'registration'
  | 'check_in'
  | 'ticket_purchase'
  | 'ticket_status_changed'
  | 'session_check_in';

/** POST /hooks/accelevents/:secret settings, before defaults. Paths are dotted with `[n]` indexes. */
export interface AcceleventsWebhookSettings {
  /** Optional HMAC over the raw body; the secret comes from the environment variable `secretEnv`. */
  hmac?: { header: string; secretEnv: string; algorithm?: 'sha256'; encoding?: 'hex' | 'base64' };
  /** A header carrying a delivery id stable across retries; the best dedupe key when present. */
  deliveryIdHeader?: string;
  /** Re-read the record from the Accelevents API before acting (docs/accelevents-assumptions.md). */
  refetch?: boolean;
  /**
   * Deliveries naming several people (an order with ticket holders): where the list and the purchaser
   * are, and whether the purchaser is welcomed too (default false: holders only).
   */
  people?: { lists?: string[]; purchaser?: string[]; welcomePurchaser?: boolean };
  topic?: {
    paths?: string[];
    headers?: string[];
    /** Raw topic value (case-insensitive) → ours; merged over the defaults. */
    aliases?: Record<string, AcceleventsWebhookTopicName>;
    /** Recognise unknown values by their words (register, purchase, check-in). Default true. */
    matchWords?: boolean;
  };
  /** Candidate paths per field; a list given here replaces that field's default list. */
  fields?: Partial<Record<MappedFieldName, string[]>>;
}
