/**
 * What `parley.config.yaml` may contain, before defaults. Every object is strict so a typo is an
 * error rather than a silently ignored setting. Secrets are not part of it (see refuseSecrets).
 */
import { z } from 'zod';
import { FEATURE_NAMES } from './feature-names.js';

const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' });
const AUTH_PRESETS = ['authorization', 'bearer', 'key', 'authentication'] as const;

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
  accelevents: z
    .strictObject({
      baseUrl: httpUrl.optional(),
      readAuth: z.enum(AUTH_PRESETS).optional(),
      writeAuth: z.enum(AUTH_PRESETS).optional(),
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
