/** `console:` in parley.config.yaml, after defaults (src/app/file-config-defaults.ts). */
import { z } from 'zod';
import type { AcceleventsSettings } from '../accelevents/accelevents-settings.js';
import type { RefreshSettings } from '../credentials/refresh-settings.js';
import type { FeatureConfig } from '../features/feature-config.js';
import type { HighLevelAppConfig } from '../highlevel/highlevel-settings.js';
import type { AcceleventsWebhookSettings } from '../intake/webhook-settings.js';
export interface ConsoleSettings {
  /** Session cookies carry `Secure`; default: true when highlevel.redirectUri is https. */
  secureCookies: boolean;
  /**
   * How often each connected location's index is rescanned (with the one-hour overlap). Default 15;
   * 0 switches the rescan off, and the index then learns only from HighLevel's webhooks and parley's own sends.
   */
  indexSyncMinutes: number;
  /** Stored message bodies and call transcripts older than this many days are cleared; null keeps them. */
  retention: { bodiesDays: number | null; transcriptsDays: number | null };
}

/** `console:` as written in the file. */
export const ConsoleSettingsSchema = z.strictObject({
  secureCookies: z.boolean().optional(),
  indexSyncMinutes: z.number().int().min(0).optional(),
  retention: z
    .strictObject({
      bodiesDays: z.number().int().min(1).nullable().optional(),
      transcriptsDays: z.number().int().min(1).nullable().optional(),
    })
    .optional(),
});

/** The sections of the file configuration the console reads (it shows and plans every feature). */
export interface ConsoleConfig extends FeatureConfig {
  highlevel: HighLevelAppConfig;
  refresh: RefreshSettings;
  accelevents: AcceleventsSettings & { webhook?: AcceleventsWebhookSettings };
  console: ConsoleSettings;
}
