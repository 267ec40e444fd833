/**
 * The mapping every delivery is read with: the config file's (`accelevents.webhook`, defaults filled
 * in) as the base, with the mapping saved from the console (saved-mapping.ts) on top: its candidate
 * paths for a field or the topic are tried first, then the file's; its topic aliases are added.
 *
 * Every process reads the saved document from the database, so a change reaches each `serve` and
 * `worker` without a restart. The intake route reads it through `createMappingSource`: at most once
 * per `refreshMs` (default 1 s), so a delivery costs no extra query; reprocessing, previews and
 * reconciliation read it fresh with `loadEffectiveMapping`.
 */
import type { Kysely } from 'kysely';
import type { Logger } from '../lib/create-logger.js';
import type { Database } from '../store/schema.js';
import { type MappingOverrides, readSavedMapping, type SavedMapping, type SavedMappingRead } from './saved-mapping.js';
import {
  type AcceleventsWebhookConfig,
  compileMapping,
  type PayloadMapping,
  resolveWebhookConfig,
} from './webhook-config.js';
import type { AcceleventsWebhookSettings } from './webhook-settings.js';
import type { MappedFieldName } from './webhook-vocabulary.js';

export interface EffectiveMapping {
  /** The config file's mapping with the defaults filled in. */
  base: AcceleventsWebhookConfig;
  saved: SavedMapping | null;
  /** Why the saved mapping is not applied; null when it is (or when there is none). */
  problem: string | null;
  config: AcceleventsWebhookConfig;
  mapping: PayloadMapping;
}

/** `first`, then whatever of `then` is not already in it. */
function firstThen(first: readonly string[], then: readonly string[]): string[] {
  return [...new Set([...first, ...then])];
}

export function mergeMapping(base: AcceleventsWebhookConfig, overrides: MappingOverrides): AcceleventsWebhookConfig {
  const fields = { ...base.fields };
  for (const [field, paths] of Object.entries(overrides.fields ?? {}) as [MappedFieldName, string[]][]) {
    fields[field] = firstThen(paths, base.fields[field] ?? []);
  }
  return {
    ...base,
    topic: {
      ...base.topic,
      paths: firstThen(overrides.topic?.paths ?? [], base.topic.paths),
      // Spread after the file's, so a saved alias for the same raw topic wins.
      aliases: { ...base.topic.aliases, ...overrides.topic?.aliases },
    },
    fields,
  };
}

/** The base with `overrides` applied and compiled; throws IntakeError('invalid_mapping') naming the key. */
export function applyOverrides(
  base: AcceleventsWebhookConfig,
  overrides: MappingOverrides,
): Pick<EffectiveMapping, 'config' | 'mapping'> {
  const config = mergeMapping(base, overrides);
  return { config, mapping: compileMapping(config) };
}

function effectiveOf(
  base: AcceleventsWebhookConfig,
  baseMapping: PayloadMapping,
  read: SavedMappingRead,
): EffectiveMapping {
  if (read.saved === null) {
    return { base, saved: null, problem: read.problem, config: base, mapping: baseMapping };
  }
  try {
    return { base, saved: read.saved, problem: null, ...applyOverrides(base, read.saved) };
  } catch (error) {
    const problem = `the saved mapping is not valid: ${(error as Error).message}`;
    return { base, saved: read.saved, problem, config: base, mapping: baseMapping };
  }
}

export async function loadEffectiveMapping(
  db: Kysely<Database>,
  settings?: AcceleventsWebhookSettings,
): Promise<EffectiveMapping> {
  const base = resolveWebhookConfig(settings);
  return effectiveOf(base, compileMapping(base), await readSavedMapping(db));
}

export interface MappingSourceOptions {
  db: Kysely<Database>;
  settings?: AcceleventsWebhookSettings;
  logger: Logger;
  now?: () => number;
  /** How long a read is reused; default 1,000 ms. */
  refreshMs?: number;
}

export interface MappingSource {
  /** The base, compiled once when the source is made (a bad file mapping fails there). */
  readonly base: AcceleventsWebhookConfig;
  current(): Promise<EffectiveMapping>;
}

export function createMappingSource(options: MappingSourceOptions): MappingSource {
  const { db, logger } = options;
  const now = options.now ?? Date.now;
  const refreshMs = options.refreshMs ?? 1_000;
  const base = resolveWebhookConfig(options.settings);
  const baseMapping = compileMapping(base);
  let cached: { value: EffectiveMapping; raw: string | null; until: number } | null = null;
  let reading: Promise<EffectiveMapping> | null = null;

  async function refresh(): Promise<EffectiveMapping> {
    try {
      const read = await readSavedMapping(db);
      // Compiled again only when the stored text changed.
      const value = cached !== null && cached.raw === read.raw ? cached.value : effectiveOf(base, baseMapping, read);
      if (value.problem !== null && value !== cached?.value) {
        logger.error({ problem: value.problem }, 'the saved payload mapping is not applied; using the config file’s');
      }
      cached = { value, raw: read.raw, until: now() + refreshMs };
      return value;
    } catch (error) {
      // The database is unreachable: the last mapping read stays in use until it answers again.
      if (cached === null) throw error;
      logger.warn({ err: error }, 'the saved payload mapping could not be re-read; keeping the last one');
      cached = { ...cached, until: now() + refreshMs };
      return cached.value;
    } finally {
      reading = null;
    }
  }

  return {
    base,
    current() {
      if (cached !== null && now() < cached.until) return Promise.resolve(cached.value);
      // Concurrent deliveries share one read.
      reading ??= refresh();
      return reading;
    },
  };
}
