/**
 * `parley doctor`'s sponsor channel line: whether it is configured (sponsors, their keywords and
 * staff), "not configured" when the feature is on without sponsors (its workflow is then not loaded),
 * and a warning while the deprecated `sponsor.staffContactIds` relay is set or a sponsor has nobody
 * to answer for it.
 */
import type { ParleyFileConfig } from '../../app/config-types.js';
import { SPONSOR_NOT_CONFIGURED } from '../../features/enabled-workflows.js';
import { sponsorChannelStatus } from '../../features/sponsor-channel-status.js';
import { type CheckResult, ok, warn } from './check-result.js';

const NAME = 'sponsor channel';

export function sponsorChecks(config: Pick<ParleyFileConfig, 'features' | 'sponsor'>): CheckResult[] {
  const status = sponsorChannelStatus(config);
  const { sponsors, staffContactIds } = config.sponsor;
  const results: CheckResult[] = [];
  if (status.state === 'off') results.push(ok(NAME, 'off (sponsor-channel is not in features)'));
  if (status.state === 'not_configured') {
    results.push(ok(NAME, `${SPONSOR_NOT_CONFIGURED}; its workflow is not loaded`));
  }
  if (status.state === 'configured') {
    const listed = sponsors.map((s) => `${s.name} (keyword ${s.keyword}, ${s.staff.length} staff)`).join(', ');
    results.push(ok(NAME, `${sponsors.length} sponsor(s): ${listed}`));
    for (const sponsor of sponsors.filter((s) => s.staff.length === 0)) {
      results.push(
        warn(
          NAME,
          `sponsor ${sponsor.name} has no staff: its attendees' messages reach only admins and agents`,
          `list the console users who answer for ${sponsor.name} under its staff (each a user with role sponsor)`,
        ),
      );
    }
  }
  if (status.relay) {
    results.push(
      warn(
        NAME,
        `sponsor.staffContactIds is deprecated: ${staffContactIds.length} staff contact(s) still get sponsor messages relayed into their own HighLevel threads`,
        'list sponsors under sponsor.sponsors (name, keyword, staff) so attendees reach them in the console, then remove sponsor.staffContactIds; see README "Sponsor channel"',
      ),
    );
  }
  return results;
}
