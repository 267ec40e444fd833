/**
 * Whether the sponsor channel is set up, in the words `parley doctor`, `workflows list`, `scopes` and
 * the console's workflows page share: the feature switched on without sponsors in the config is "not
 * configured" rather than enabled, and its workflow is not loaded (enabled-workflows.ts).
 */
import type { FeatureName, ParleyFileConfig } from '../config/config-types.js';
import type { SponsorConfig } from '../config/sponsor-settings.js';
import { SPONSOR_CHANNEL, SPONSOR_MISSING } from './enabled-workflows.js';

export const SPONSOR_FEATURE: FeatureName = 'sponsor-channel';

export interface SponsorChannelStatus {
  /** `off`: not in features; `not_configured`: in features, no sponsors; `configured`: sponsors listed. */
  state: 'off' | 'not_configured' | 'configured';
  /** The deprecated `sponsor.staffContactIds` relay is set (it runs whatever `state` says, with the feature on). */
  relay: boolean;
}

type SponsorConfigPart = Pick<ParleyFileConfig, 'features' | 'sponsor'>;

export function sponsorChannelStatus(config: SponsorConfigPart): SponsorChannelStatus {
  const relay = config.sponsor.staffContactIds.length > 0;
  if (!config.features.includes(SPONSOR_FEATURE)) return { state: 'off', relay };
  return { state: config.sponsor.sponsors.length > 0 ? 'configured' : 'not_configured', relay };
}

/** The config's features that run anything: the sponsor channel only with sponsors or the old relay's staff. */
export function runningFeatures(config: SponsorConfigPart): FeatureName[] {
  const status = sponsorChannelStatus(config);
  return config.features.filter(
    (feature) => feature !== SPONSOR_FEATURE || status.state === 'configured' || status.relay,
  );
}

/** Workflows a config switches on that are not loaded for want of settings, with what is missing. */
export function notConfiguredWorkflows(config: SponsorConfigPart): { name: string; reason: string }[] {
  return sponsorChannelStatus(config).state === 'not_configured'
    ? [{ name: SPONSOR_CHANNEL, reason: SPONSOR_MISSING }]
    : [];
}

/** The sponsors inbound messages are routed to: none while the feature is off. */
export function routedSponsors(config: SponsorConfigPart): readonly SponsorConfig[] {
  return config.features.includes(SPONSOR_FEATURE) ? config.sponsor.sponsors : [];
}
