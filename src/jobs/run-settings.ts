/** `runs:` in parley.config.yaml: how long workflow runs are kept (after defaults: src/app/file-config-defaults.ts). */
import { z } from 'zod';

/** A month of history: long enough to look into last week's failures, short enough to keep the tables small. */
export const DEFAULT_RUN_RETENTION_DAYS = 30;

export interface RunSettings {
  /** Runs (with their steps) that started and ended longer ago than this are deleted daily; null keeps them all. */
  retentionDays: number | null;
}

/** `runs:` as written in the file. */
export const RunSettingsSchema = z.strictObject({
  retentionDays: z.number().int().min(1).nullable().optional(),
});

export function applyRunDefaults(raw: z.infer<typeof RunSettingsSchema> | undefined): RunSettings {
  return { retentionDays: raw?.retentionDays === undefined ? DEFAULT_RUN_RETENTION_DAYS : raw.retentionDays };
}
