/**
 * Whether the sponsor channel is set up, in the words `parley doctor`, `workflows list`, `scopes` and
 * the console's workflows page share: the feature switched on without sponsors in the config is "not
 * configured" rather than enabled, and its workflow is not loaded (enabled-workflows.ts).
 */

import type { SponsorConfig } from '../search/sponsor-settings.js';
import type { FeatureConfig } from './feature-config.js';
import type { FeatureName } from './feature-names.js';

export const SPONSOR_FEATURE: FeatureName = 'sponsor-channel';

export interface SponsorChannelStatus {
  /** `off`: not in features; `not_configured`: in features, no sponsors; `configured`: sponsors listed. */
  state: 'off' | 'not_configured' | 'configured';
  /** The deprecated `sponsor.staffContactIds` relay is set (it runs whatever `state` says, with the feature on). */
  relay: boolean;
}

type SponsorConfigPart = Pick<FeatureConfig, 'features' | 'sponsor'>;

export function sponsorChannelStatus(config: SponsorConfigPart): SponsorChannelStatus {
  const relay = config.sponsor.staffContactIds.length > 0;
  if (!config.features.includes(SPONSOR_FEATURE)) return { state: 'off', relay };
  return { state: config.sponsor.sponsors.length > 0 ? 'configured' : 'not_configured', relay };
}

/** The sponsors inbound messages are routed to: none while the feature is off. */
export function routedSponsors(config: SponsorConfigPart): readonly SponsorConfig[] {
  return config.features.includes(SPONSOR_FEATURE) ? config.sponsor.sponsors : [];
}
