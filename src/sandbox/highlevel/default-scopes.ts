/**
 * Scopes the sandbox grants when none are asked for: everything parley's features use
 * (DESIGN C1; scope names from reference/highlevel-api.md §7.7).
 */

export const DEFAULT_LOCATION_SCOPES = [
  'conversations.readonly',
  'conversations.write',
  'conversations/message.readonly',
  'conversations/message.write',
  'conversations/livechat.write',
  'contacts.readonly',
  'contacts.write',
] as const;

/** Agency (Company) tokens: the two OAuth scopes of §7.4. */
export const DEFAULT_AGENCY_SCOPES = ['oauth.readonly', 'oauth.write'] as const;
