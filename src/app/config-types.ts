/**
 * The shape of the file configuration (`parley.config.yaml`, or PARLEY_CONFIG) after parsing and
 * defaults, assembled from the settings each module declares for its own section. Secrets never live
 * in this file: the HighLevel client secret comes from HIGHLEVEL_CLIENT_SECRET, tokens and API keys
 * from the vault.
 */
import type { AcceleventsSettings } from '../accelevents/accelevents-settings.js';
import type { ConsoleSettings } from '../console/console-settings.js';
import type { RefreshSettings } from '../credentials/refresh-settings.js';
import type { EventConfig } from '../features/event-settings.js';
import type { FeatureName } from '../features/feature-names.js';
import type { HighLevelAppConfig } from '../highlevel/highlevel-settings.js';
import type { AcceleventsWebhookSettings } from '../intake/webhook-settings.js';
import type { RunSettings } from '../jobs/run-settings.js';
import type { MarketplaceSettings } from '../marketplace/marketplace-settings.js';
import type { SponsorSettings } from '../search/sponsor-settings.js';
import type { ServerConfig } from '../server/server-settings.js';
import type { WorkflowSettings } from '../workflows/workflow-settings.js';

export interface ParleyFileConfig {
  highlevel: HighLevelAppConfig;
  features: FeatureName[];
  refresh: RefreshSettings;
  accelevents: AcceleventsSettings & {
    /**
     * `accelevents.webhook` as written in the file (undefined when absent). The intake owns the mapping
     * defaults and merges them in (src/intake/webhook-config.ts `resolveWebhookConfig`).
     */
    webhook?: AcceleventsWebhookSettings;
  };
  workflows: WorkflowSettings;
  /** How long workflow runs are kept (src/jobs/run-retention.ts). */
  runs: RunSettings;
  /** Accelevents events parley knows: their HighLevel location, display name, and whether pollers watch them. */
  events: EventConfig[];
  console: ConsoleSettings;
  /** Sponsors attendees write to and who answers for each (src/search/sponsor-settings.ts). */
  sponsor: SponsorSettings;
  server: ServerConfig;
  /** HighLevel workflow-builder triggers and actions (src/marketplace/marketplace-settings.ts). */
  marketplace: MarketplaceSettings;
}
