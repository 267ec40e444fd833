/**
 * What `parley.config.yaml` may contain, before defaults. Every object is strict so a typo is an
 * error rather than a silently ignored setting. Secrets are not part of it (see refuseSecrets).
 */
import { isIP } from 'node:net';
import { z } from 'zod';

import { isValidPath } from '../lib/json-path.js';
import { isKnownTimeZone } from '../lib/time-zones.js';
import type { ServerTimeouts } from './config-types.js';
import { FEATURE_NAMES } from './feature-names.js';
import { SESSION_RECIPIENTS } from './session-recipients.js';
import { SponsorSettingsSchema } from './sponsor-settings.js';
import { INTAKE_TOPICS, MAPPED_FIELDS } from './webhook-vocabulary.js';

/**
 * Suited to webhooks and the console: senders and browsers send headers at once, a 5 MB attachment
 * upload fits in the request time on a slow link, and idle keep-alive sockets are not held for long.
 */
export const DEFAULT_SERVER_TIMEOUTS: Readonly<ServerTimeouts> = {
  headersSeconds: 10,
  requestSeconds: 60,
  idleSeconds: 60,
  keepAliveSeconds: 5,
};

const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' });
const AUTH_PRESETS = ['authorization', 'bearer', 'key', 'authentication'] as const;
const jsonPath = z.string().refine(isValidPath, {
  error: 'expected a dotted JSON path such as attendee.email or attendees[0].barcode',
});
const candidatePaths = z.array(jsonPath).min(1);
/** Accelevents event URLs are the slug in the event's address (https://developer.accelevents.com/reference). */
const EVENT_URL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const headerName = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, { error: 'expected an HTTP header name' });

/** `accelevents.webhook`: what POST /hooks/accelevents/:secret checks and how it maps payloads (src/intake). */
const AcceleventsWebhookSchema = z.strictObject({
  hmac: z
    .strictObject({
      header: headerName,
      secretEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'expected an environment variable name' }),
      algorithm: z.enum(['sha256']).optional(),
      encoding: z.enum(['hex', 'base64']).optional(),
    })
    .optional(),
  deliveryIdHeader: headerName.optional(),
  refetch: z.boolean().optional(),
  people: z
    .strictObject({
      lists: candidatePaths.optional(),
      purchaser: candidatePaths.optional(),
      welcomePurchaser: z.boolean().optional(),
    })
    .optional(),
  topic: z
    .strictObject({
      paths: candidatePaths.optional(),
      headers: z.array(headerName).optional(),
      aliases: z.record(z.string().min(1), z.enum(INTAKE_TOPICS)).optional(),
      matchWords: z.boolean().optional(),
    })
    .optional(),
  fields: z
    .strictObject(
      Object.fromEntries(MAPPED_FIELDS.map((field) => [field, candidatePaths.optional()])) as {
        [K in (typeof MAPPED_FIELDS)[number]]: z.ZodOptional<typeof candidatePaths>;
      },
    )
    .optional(),
});

/** What Fastify's `trustProxy` list takes (via proxy-addr): an address, a CIDR, or one of its named ranges. */
function isProxyAddress(value: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(value)) return true;
  const [address = '', prefix, ...rest] = value.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}
const proxyAddress = z.string().refine(isProxyAddress, {
  error: 'expected an IP address, a CIDR such as 10.0.0.0/8, or loopback, linklocal, uniquelocal',
});
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'expected an environment variable name' });
const seconds = z.number().positive({ error: 'expected a number of seconds above 0' });

/** `server`: the HTTP server's proxy trust, timeouts and /metrics access (src/server). */
const ServerSchema = z
  .strictObject({
    trustProxy: z
      .union([z.boolean(), z.number().int().min(1), proxyAddress, z.array(proxyAddress).min(1)], {
        error: 'expected true, false, a hop count (1 or more), or a list of proxy addresses and CIDRs',
      })
      .optional(),
    timeouts: z
      .strictObject({
        headersSeconds: seconds.optional(),
        requestSeconds: seconds.optional(),
        idleSeconds: seconds.optional(),
        keepAliveSeconds: seconds.optional(),
      })
      .optional(),
    metrics: z
      .strictObject({
        bind: z.enum(['loopback', 'any']).optional(),
        tokenEnv: envName.optional(),
      })
      .optional(),
  })
  // Node refuses a header timeout longer than the request timeout (http.createServer).
  .refine(
    (server) =>
      (server.timeouts?.headersSeconds ?? DEFAULT_SERVER_TIMEOUTS.headersSeconds) <=
      (server.timeouts?.requestSeconds ?? DEFAULT_SERVER_TIMEOUTS.requestSeconds),
    { error: 'headersSeconds must not exceed requestSeconds', path: ['timeouts', 'headersSeconds'] },
  )
  // A /metrics open to every address must at least ask for a token.
  .refine((server) => server.metrics?.bind !== 'any' || server.metrics.tokenEnv !== undefined, {
    error: 'bind: any needs tokenEnv (the environment variable holding the bearer token /metrics then requires)',
    path: ['metrics', 'bind'],
  });

export const FileConfigSchema = z.strictObject({
  highlevel: z
    .strictObject({
      target: z.enum(['sandbox', 'live']).optional(),
      baseUrl: httpUrl.optional(),
      authorizeUrl: httpUrl.optional(),
      clientId: z.string().min(1).optional(),
      redirectUri: httpUrl.optional(),
      webhookKeys: z
        .strictObject({
          ed25519: z.array(z.string().min(1)).optional(),
          rsa: z.array(z.string().min(1)).optional(),
        })
        .optional(),
    })
    .optional(),
  features: z.array(z.enum(FEATURE_NAMES)).optional(),
  refresh: z
    .strictObject({
      marginSeconds: z.number().int().min(0).optional(),
      checkIntervalSeconds: z.number().int().min(1).optional(),
    })
    .optional(),
  workflows: z
    .strictObject({
      path: z.string().min(1, { error: 'expected a workflow file or directory path' }).optional(),
    })
    .optional(),
  events: z
    .array(
      z.strictObject({
        eventUrl: z.string().regex(EVENT_URL_PATTERN, {
          error: 'expected an Accelevents event URL slug such as devconf-2026 (letters, digits, - and _)',
        }),
        name: z.string().min(1).optional(),
        locationId: z.string().min(1, { error: 'expected a HighLevel location id' }).optional(),
        sessionsPoll: z.boolean().optional(),
        timezone: z
          .string()
          .refine(isKnownTimeZone, { error: 'expected an IANA time zone such as America/New_York or Europe/London' })
          .optional(),
        recipients: z.enum(SESSION_RECIPIENTS).optional(),
        formatLabels: z
          .record(
            z.string().regex(/^[A-Za-z0-9_]+$/, { error: 'expected a session format such as MAIN_STAGE' }),
            z.string().min(1, { error: 'expected the label to show, e.g. Keynote' }),
          )
          .optional(),
      }),
    )
    .refine((events) => new Set(events.map((e) => e.eventUrl)).size === events.length, {
      error: 'expected each eventUrl at most once',
    })
    .optional(),
  sponsor: SponsorSettingsSchema.optional(),
  console: z
    .strictObject({
      secureCookies: z.boolean().optional(),
      indexSyncMinutes: z.number().int().min(1).optional(),
      retention: z
        .strictObject({
          bodiesDays: z.number().int().min(1).nullable().optional(),
          transcriptsDays: z.number().int().min(1).nullable().optional(),
        })
        .optional(),
    })
    .optional(),
  accelevents: z
    .strictObject({
      baseUrl: httpUrl.optional(),
      readAuth: z.enum(AUTH_PRESETS).optional(),
      writeAuth: z.enum(AUTH_PRESETS).optional(),
      webhook: AcceleventsWebhookSchema.optional(),
    })
    .optional(),
  server: ServerSchema.optional(),
});

export type RawFileConfig = z.infer<typeof FileConfigSchema>;

/** The keys allowed at a path of the schema, for "did you mean" hints on unknown keys. */
export function allowedKeysAt(path: readonly PropertyKey[]): string[] {
  let schema: z.ZodType = FileConfigSchema;
  for (const segment of path) {
    schema = unwrap(schema);
    if (schema instanceof z.ZodObject && typeof segment === 'string') {
      const next = (schema.shape as Record<string, z.ZodType>)[segment];
      if (!next) return [];
      schema = next;
    } else if (schema instanceof z.ZodArray) {
      schema = schema.element as z.ZodType;
    } else {
      return [];
    }
  }
  schema = unwrap(schema);
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

function unwrap(schema: z.ZodType): z.ZodType {
  return schema instanceof z.ZodOptional ? (schema.unwrap() as z.ZodType) : schema;
}
