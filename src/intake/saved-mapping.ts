/**
 * The payload mapping an admin saves from the console's Mapping page: one JSON document in the
 * `settings` table (key `intake.mapping`), holding candidate paths per field, topic paths and topic
 * aliases. It never replaces the config file's mapping; effective-mapping.ts puts its candidates
 * first. It is checked with the config file's own validators (webhook-settings.ts), and errors name
 * the field and what was expected, as the config loader's do.
 */
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { allowedKeysAt } from '../config/config-issues.js';
import { formatKeyPath } from '../config/yaml-positions.js';
import type { Database } from '../store/schema.js';
import { AcceleventsWebhookSchema } from './webhook-settings.js';
import type { IntakeTopic, MappedFieldName } from './webhook-vocabulary.js';

export const MAPPING_SETTING = 'intake.mapping';

/** What an admin adds to the file's mapping: paths tried before the file's, and aliases added to its. */
export interface MappingOverrides {
  fields?: Partial<Record<MappedFieldName, string[]>>;
  topic?: { paths?: string[]; aliases?: Record<string, IntakeTopic> };
}

/** The stored document: the overrides, and who saved them when (epoch ms). */
export interface SavedMapping extends MappingOverrides {
  updatedBy: string | null;
  updatedAt: number;
}

export interface MappingIssue {
  /** Where in the document, e.g. `fields.email[0]` or `topic.aliases.badge.printed`. */
  field: string;
  message: string;
}

const webhookTopic = AcceleventsWebhookSchema.shape.topic.unwrap();

/** The `fields` and `topic` parts of `accelevents.webhook`, with the same validators. */
export const MappingOverridesSchema = z.strictObject({
  fields: AcceleventsWebhookSchema.shape.fields,
  topic: z.strictObject({ paths: webhookTopic.shape.paths, aliases: webhookTopic.shape.aliases }).optional(),
});

const SavedMappingSchema = MappingOverridesSchema.extend({
  updatedBy: z.string().nullable(),
  updatedAt: z.number(),
});

export type MappingCheck = { ok: true; overrides: MappingOverrides } | { ok: false; issues: MappingIssue[] };

export function checkMappingOverrides(input: unknown): MappingCheck {
  const result = MappingOverridesSchema.safeParse(input);
  if (result.success) return { ok: true, overrides: withoutEmpty(result.data) };
  return { ok: false, issues: result.error.issues.flatMap((issue) => describe(issue, input)) };
}

/** One sentence for every issue: `fields.email[0]: expected a dotted JSON path …`. */
export function mappingIssuesText(issues: readonly MappingIssue[]): string {
  return issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ');
}

function describe(issue: z.core.$ZodIssue, input: unknown): MappingIssue[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    const allowed = allowedKeysAt(MappingOverridesSchema, path).join(', ');
    return issue.keys.map((key) => ({
      field: formatKeyPath([...path, key]),
      message: `unknown key; expected one of ${allowed}`,
    }));
  }
  const got = valueAt(input, path);
  // Paths and topic names are short and never secret; anything longer is not echoed.
  const shown = typeof got === 'string' && got.length <= 60 ? `, got ${JSON.stringify(got)}` : '';
  return [{ field: formatKeyPath(path), message: `${expectation(issue)}${shown}` }];
}

function expectation(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_value') return `expected one of ${issue.values.map(String).join(', ')}`;
  if (issue.code === 'invalid_type') return `expected ${issue.expected === 'array' ? 'a list' : `a ${issue.expected}`}`;
  if (issue.code === 'too_small') return issue.origin === 'array' ? 'expected at least one path' : 'expected text';
  return issue.message;
}

function valueAt(input: unknown, path: readonly (string | number)[]): unknown {
  let current = input;
  for (const segment of path) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

/** Leaves out empty sections, so "no overrides" is always `{}`. */
function withoutEmpty(overrides: z.infer<typeof MappingOverridesSchema>): MappingOverrides {
  const out: MappingOverrides = {};
  const fields = Object.fromEntries(Object.entries(overrides.fields ?? {}).filter(([, paths]) => paths !== undefined));
  if (Object.keys(fields).length > 0) out.fields = fields;
  const paths = overrides.topic?.paths;
  const aliases = overrides.topic?.aliases;
  const hasAliases = aliases !== undefined && Object.keys(aliases).length > 0;
  if (paths || hasAliases) out.topic = { ...(paths ? { paths } : {}), ...(hasAliases ? { aliases } : {}) };
  return out;
}

export interface SavedMappingRead {
  saved: SavedMapping | null;
  /** The stored text as read, so a cache can tell whether anything changed. */
  raw: string | null;
  /** Why a stored document is not used (not JSON, or no longer valid); null when it is, or when none exists. */
  problem: string | null;
}

export function parseSavedMapping(raw: string | null): SavedMappingRead {
  if (raw === null) return { saved: null, raw, problem: null };
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { saved: null, raw, problem: `the saved mapping (settings key ${MAPPING_SETTING}) is not JSON` };
  }
  const result = SavedMappingSchema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues.flatMap((issue) => describe(issue, value));
    return { saved: null, raw, problem: `the saved mapping is not valid: ${mappingIssuesText(issues)}` };
  }
  const { updatedBy, updatedAt, ...overrides } = result.data;
  return { saved: { ...withoutEmpty(overrides), updatedBy, updatedAt }, raw, problem: null };
}

export async function readSavedMapping(db: Kysely<Database>): Promise<SavedMappingRead> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', MAPPING_SETTING).executeTakeFirst();
  return parseSavedMapping(row?.value ?? null);
}

/** Stores checked overrides (checkMappingOverrides) as the one document, replacing the previous one. */
export async function saveMapping(
  db: Kysely<Database>,
  overrides: MappingOverrides,
  by: { userId: string | null; now: number },
): Promise<SavedMapping> {
  const saved: SavedMapping = { ...overrides, updatedBy: by.userId, updatedAt: by.now };
  const value = JSON.stringify(saved);
  await db
    .insertInto('settings')
    .values({ key: MAPPING_SETTING, value, updated_at: by.now })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: by.now }))
    .execute();
  return saved;
}
