/**
 * Which conversations a caller may see (issue 5 Deliver 4): a sponsor only sponsor-channel ones (the
 * index's `sponsor` flag); every other role all of them. A conversation the caller may not see is
 * answered as 404, not 403, so a sponsor cannot probe which conversation ids exist.
 */
import type { Caller } from '../auth/resolve-caller.js';
import { ROLE_PERMISSIONS } from '../auth/roles.js';
import { ConsoleError } from '../console-error.js';

export function sponsorOnly(caller: Pick<Caller, 'role'>): boolean {
  return ROLE_PERMISSIONS[caller.role].conversations === 'sponsor_channel';
}

/** Throws not_found unless the caller may see a conversation whose index row has this `sponsor` flag. */
export function assertMaySee(
  caller: Pick<Caller, 'role'>,
  conversation: { conversationId: string; sponsor: boolean },
): void {
  if (sponsorOnly(caller) && !conversation.sponsor) {
    throw new ConsoleError('not_found', `conversation ${conversation.conversationId} was not found`);
  }
}
