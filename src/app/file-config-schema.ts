/**
 * What `parley.config.yaml` may contain, before defaults: one section per module, each declared by the
 * module that reads it. Every object is strict so a typo is an error rather than a silently ignored
 * setting. Secrets are not part of it (src/config/config-issues.ts findSecretKeys refuses them).
 */
import { z } from 'zod';
import { AcceleventsSettingsSchema } from '../accelevents/accelevents-settings.js';
import { ConsoleSettingsSchema } from '../console/console-settings.js';
import { RefreshSettingsSchema } from '../credentials/refresh-settings.js';
import { EventsSchema } from '../features/event-settings.js';
import { FeaturesSchema } from '../features/feature-names.js';
import { HighLevelSettingsSchema } from '../highlevel/highlevel-settings.js';
import { AcceleventsWebhookSchema } from '../intake/webhook-settings.js';
import { RunSettingsSchema } from '../jobs/run-settings.js';
import { MarketplaceSettingsSchema } from '../marketplace/marketplace-settings.js';
import { SponsorSettingsSchema } from '../search/sponsor-settings.js';
import { ServerSettingsSchema } from '../server/server-settings.js';
import { WorkflowSettingsSchema } from '../workflows/workflow-settings.js';

export const FileConfigSchema = z.strictObject({
  highlevel: HighLevelSettingsSchema.optional(),
  features: FeaturesSchema.optional(),
  refresh: RefreshSettingsSchema.optional(),
  workflows: WorkflowSettingsSchema.optional(),
  runs: RunSettingsSchema.optional(),
  events: EventsSchema.optional(),
  sponsor: SponsorSettingsSchema.optional(),
  console: ConsoleSettingsSchema.optional(),
  accelevents: AcceleventsSettingsSchema.extend({ webhook: AcceleventsWebhookSchema.optional() }).optional(),
  server: ServerSettingsSchema.optional(),
  marketplace: MarketplaceSettingsSchema.optional(),
});

export type RawFileConfig = z.infer<typeof FileConfigSchema>;
