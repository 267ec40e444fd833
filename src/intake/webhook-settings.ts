/**
 * `accelevents.webhook` in parley.config.yaml: what POST /hooks/accelevents/:secret checks and how it
 * maps payloads. The schema validates the file; the intake merges the defaults in (webhook-config.ts).
 */
import { z } from 'zod';
import { candidatePaths, headerName } from '../config/setting-fields.js';
import { INTAKE_TOPICS, MAPPED_FIELDS, type MappedFieldName } from './webhook-vocabulary.js';

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

export const AcceleventsWebhookSchema = z.strictObject({
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
