import type { SponsorSettings } from '../search/sponsor-settings.js';
import type { WorkflowSettings } from '../workflows/workflow-settings.js';
import type { EventConfig } from './event-settings.js';
import type { FeatureName } from './feature-names.js';

/** The sections of the file configuration that decide which features and workflows run. */
export interface FeatureConfig {
  features: FeatureName[];
  events: EventConfig[];
  sponsor: SponsorSettings;
  workflows: WorkflowSettings;
}
