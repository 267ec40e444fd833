/**
 * What `parley.config.yaml` may contain, before defaults. Every object is strict so a typo is an
 * error rather than a silently ignored setting. Secrets are not part of it (see refuseSecrets).
 */
import { z } from 'zod';
import { MAPPED_FIELDS } from '../intake/default-mapping.js';
import { isKnownTimeZone } from '../accelevents/accelevents-dates.js';
import { isValidPath } from '../intake/json-path.js';
import { INTAKE_TOPICS } from '../intake/topics.js';
import { FEATURE_NAMES } from './feature-names.js';
import { SponsorSettingsSchema } from './sponsor-settings.js';

import { SESSION_RECIPIENTS } from './session-recipients.js';
const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' });
const AUTH_PRESETS = ['authorization', 'bearer', 'key', 'authentication'] as const;
const jsonPath = z.string().refine(isValidPath, {
  error: 'expected a dotted JSON path such as attendee.email or attendees[0].barcode',
});
const candidatePaths = z.array(jsonPath).min(1);
/** Accelevents event URLs are the slug in the event's address (reference/accelevents-api.md §4 "Event key"). */
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
