/**
 * `parley doctor`'s session follow-ups line: off, "not configured" when the feature is on without an
 * event whose sessions are polled (its workflow is then not loaded), or the events followed up with
 * who gets each follow-up and the zone their times are shown in.
 */
import type { ParleyFileConfig } from '../../app/config-types.js';
import type { EventConfig } from '../../features/event-settings.js';
import { SESSIONS_NOT_CONFIGURED, sessionFollowUpState } from '../../features/session-followups.js';
import { type CheckResult, ok } from './check-result.js';

const NAME = 'session follow-ups';

function describe(event: EventConfig): string {
  const who = event.recipients ?? 'session attendees, else checked-in';
  const zone = event.timeZone ?? "the event's zone";
  return `${event.eventUrl} (to ${who}; times in ${zone})`;
}

export function sessionChecks(config: Pick<ParleyFileConfig, 'features' | 'events'>): CheckResult[] {
  const state = sessionFollowUpState(config);
  if (state === 'off') return [ok(NAME, 'off (session-highlights is not in features)')];
  if (state === 'not_configured') return [ok(NAME, `${SESSIONS_NOT_CONFIGURED}; its workflow is not loaded`)];
  const polled = config.events.filter((e) => e.sessionsPoll);
  return [ok(NAME, `${polled.length} event(s): ${polled.map(describe).join(', ')}`)];
}
