/**
 * Which conversations a caller may see: a sponsor only sponsor-channel ones (the index's `sponsor`
 * flag); every other role all of them. A conversation or message the caller may not see gets exactly
 * the answer one that does not exist gets (`notVisible`: 404, one fixed message naming no id), so a
 * sponsor can learn neither which ids exist nor which conversation a message belongs to.
 */
import type { Caller } from '../auth/resolve-caller.js';
import { ROLE_PERMISSIONS } from '../auth/roles.js';
import { ConsoleError } from '../console-error.js';

export function sponsorOnly(caller: Pick<Caller, 'role'>): boolean {
  return ROLE_PERMISSIONS[caller.role].conversations === 'sponsor_channel';
}

/** The one answer for a conversation or message id that is missing or not the caller's to see. */
export function notVisible(): ConsoleError {
  return new ConsoleError('not_found', 'no conversation or message with that id is visible to you');
}

/** Throws notVisible() unless the caller may see a conversation whose index row has this `sponsor` flag. */
export function assertMaySee(caller: Pick<Caller, 'role'>, conversation: { sponsor: boolean }): void {
  if (sponsorOnly(caller) && !conversation.sponsor) throw notVisible();
}
