/**
 * Which conversations a caller may see: a sponsor only the sponsor-channel conversations of their own
 * sponsor (config `sponsor.sponsors[].staff` lists their email; src/search/sponsor-channel.ts holds
 * which sponsor each conversation belongs to); every other role all of them. A sponsor asking for any
 * other conversation or message gets one fixed 403, whether the id exists or not; other roles get
 * the one fixed 404 an id that does not exist gets. Either way the answer reveals neither which ids
 * exist nor which conversation a message belongs to.
 */

import { inSponsorChannel } from '../../search/sponsor-channel.js';
import type { SponsorSettings } from '../../search/sponsor-settings.js';
import type { Caller } from '../auth/resolve-caller.js';
import { ROLE_PERMISSIONS } from '../auth/roles.js';
import type { ConsoleDeps } from '../console-deps.js';
import { ConsoleError } from '../console-error.js';

export function sponsorOnly(caller: Pick<Caller, 'role'>): boolean {
  return ROLE_PERMISSIONS[caller.role].conversations === 'sponsor_channel';
}

/** The sponsors (keys) whose channel the caller answers for: those whose `staff` lists the caller's email. */
export function sponsorKeysOf(config: { sponsor: SponsorSettings }, caller: Pick<Caller, 'email'>): string[] {
  const email = caller.email.toLowerCase();
  return config.sponsor.sponsors.filter((sponsor) => sponsor.staff.includes(email)).map((sponsor) => sponsor.key);
}

/**
 * The one answer for a conversation or message id that is missing or not the caller's to see: 403 for
 * a sponsor (outside their channel, existing or not), 404 for everyone else.
 */
export function notVisible(caller?: Pick<Caller, 'role'>): ConsoleError {
  if (caller !== undefined && sponsorOnly(caller)) {
    return new ConsoleError('forbidden', "sponsors may open only their own sponsor's sponsor-channel conversations");
  }
  return new ConsoleError('not_found', 'no conversation or message with that id is visible to you');
}

/** Throws notVisible() unless the caller may see this conversation (its index row's `sponsor` flag and owners). */
export async function assertMaySee(
  deps: Pick<ConsoleDeps, 'db' | 'config'>,
  caller: Pick<Caller, 'role' | 'email'>,
  conversation: { conversationId: string; sponsor: boolean },
): Promise<void> {
  if (!sponsorOnly(caller)) return;
  const mine = sponsorKeysOf(deps.config, caller);
  if (!conversation.sponsor || !(await inSponsorChannel(deps.db, conversation.conversationId, mine))) {
    throw notVisible(caller);
  }
}
