/**
 * Scopes the sandbox grants when none are asked for: everything parley's features use, spelled as
 * https://github.com/GoHighLevel/highlevel-api-docs/blob/main/docs/oauth/Scopes.md spells them.
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

/** Agency (Company) tokens: the two OAuth scopes (specs/highlevel/apps/oauth.json). */
export const DEFAULT_AGENCY_SCOPES = ['oauth.readonly', 'oauth.write'] as const;
