/**
 * Whether session follow-ups (feature `session-highlights`) can run: the feature is on and the config
 * lists at least one event whose sessions are polled. Without such an event the session poller never
 * runs, so `workflows list`, `doctor` and start-up say "not configured" instead of listing the workflow
 * as if it ran.
 */
import type { FeatureConfig } from './feature-config.js';

export const SESSIONS_NOT_CONFIGURED =
  'not configured: no event in events: has its sessions polled (README "Events and session follow-ups")';

export type SessionFollowUpState = 'off' | 'not_configured' | 'configured';

/** The event URLs whose sessions the poller watches (`events[]` with `sessionsPoll` on). */
export function polledSessionEvents(config: Pick<FeatureConfig, 'events'>): string[] {
  return config.events.filter((e) => e.sessionsPoll).map((e) => e.eventUrl);
}

export function sessionFollowUpState(config: Pick<FeatureConfig, 'features' | 'events'>): SessionFollowUpState {
  if (!config.features.includes('session-highlights')) return 'off';
  return polledSessionEvents(config).length > 0 ? 'configured' : 'not_configured';
}
