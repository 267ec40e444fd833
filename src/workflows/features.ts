/**
 * What each feature does against HighLevel: the operations it calls (by operationId, so their
 * scopes come from the spec through the operation catalog, never typed by hand here) and the
 * webhook events it consumes. The scope planner derives the minimal scope set from this table
 * (DESIGN C1; reference/peers.md §4 item 7).
 */
import type { FeatureName } from '../config/config-types.js';

/** The conversation webhook events features consume (reference/highlevel-api.md §10.2). */
export type WebhookEventName = 'InboundMessage' | 'OutboundMessage' | 'ConversationUnreadUpdate';

/**
 * The scope that makes HighLevel deliver each event, from the "Webhook events" column of
 * reference/highlevel-api.md §7.7. Scopes.md calls the unread event `ConversationUnreadWebhook`;
 * its payload `type` is `ConversationUnreadUpdate` (§10.2).
 */
export const WEBHOOK_EVENT_SCOPES: Record<WebhookEventName, string> = {
  InboundMessage: 'conversations/message.readonly',
  OutboundMessage: 'conversations/message.readonly',
  ConversationUnreadUpdate: 'conversations.readonly',
};

export interface FeatureSpec {
  description: string;
  operations: readonly string[];
  events: readonly WebhookEventName[];
}

/** Contact, then its one conversation (found or created), then the message (DESIGN C3). */
const WELCOME_OPERATIONS = [
  'upsert-contact',
  'search-conversation',
  'create-conversation',
  'get-conversation',
  'send-a-new-message',
  // The duplicate guard: before a retry, look for the message already sent (reference/peers.md §4 item 5).
  'get-messages',
] as const;

const CONSOLE_READ_OPERATIONS = [
  'search-conversation',
  'get-conversation',
  'get-messages',
  'get-message',
  'get-message-recording',
  'get-message-transcription',
  'download-message-transcription',
] as const;

const CONSOLE_EVENTS: readonly WebhookEventName[] = ['InboundMessage', 'OutboundMessage', 'ConversationUnreadUpdate'];

export const FEATURES: Record<FeatureName, FeatureSpec> = {
  'registration-welcome': {
    description: 'welcome message to each new Accelevents registrant',
    operations: WELCOME_OPERATIONS,
    events: [],
  },
  'checkin-welcome': {
    description: 'message at check-in, and the attendee’s reply to the preference question',
    operations: WELCOME_OPERATIONS,
    events: ['InboundMessage'],
  },
  'session-highlights': {
    description: 'session highlights (with attachments) after each session ends',
    operations: [
      'upsert-contact',
      'search-conversation',
      'create-conversation',
      'send-a-new-message',
      'upload-file-attachments',
    ],
    events: [],
  },
  'sponsor-channel': {
    description: 'relay between attendees and sponsors, logging sponsor replies as inbound messages',
    operations: ['search-conversation', 'get-messages', 'send-a-new-message', 'add-an-inbound-message'],
    events: ['InboundMessage'],
  },
  'agent-console': {
    description: 'support agents read, answer and manage conversations',
    operations: [
      ...CONSOLE_READ_OPERATIONS,
      'update-conversation',
      'delete-conversation',
      'send-a-new-message',
      'update-message-status',
      'cancel-scheduled-message',
      'cancel-scheduled-email-message',
      'upload-file-attachments',
    ],
    events: CONSOLE_EVENTS,
  },
  'agent-console-readonly': {
    // The separate read-only role for support agents (reference/peers.md §4 item 7).
    description: 'support agents read conversations, messages, recordings and transcripts only',
    operations: CONSOLE_READ_OPERATIONS,
    events: CONSOLE_EVENTS,
  },
};

/**
 * Not a feature but a connection kind: an agency (Company) token turns into location tokens
 * through POST /oauth/locationToken and lists installs through GET /oauth/installedLocations
 * (reference/highlevel-api.md §7.4, §7.7), so an agency grant needs these on top of the features'.
 */
export const AGENCY_OPERATIONS = ['get-location-access-token', 'get-installed-location'] as const;
