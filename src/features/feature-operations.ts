/**
 * What each feature runs against HighLevel besides its workflows: the code paths outside workflows
 * that call HighLevel (each list declared next to its code) and the webhook events it consumes. Its
 * workflows are the built-ins FEATURE_WORKFLOWS (src/features/enabled-workflows.ts) names; the scope
 * planner (scope-planner.ts) reads their steps, so scopes always follow what is actually called.
 */

import type { WebhookEventName } from '../highlevel/webhook-event-scopes.js';
import { INDEX_SYNC_OPERATIONS } from '../search/sync-operations.js';
import type { TriggerName } from '../workflows/triggers.js';
import { CONSOLE_READ_OPERATIONS, CONSOLE_WRITE_OPERATIONS } from './console-operations.js';
import type { FeatureName } from './feature-names.js';
import { HIGHLEVEL_EVENT_JOB_OPERATIONS } from './webhook-event-operations.js';

/** Code outside workflows that calls HighLevel, by the operations it calls. */
export const CODE_PATHS = {
  'inbound-message job': HIGHLEVEL_EVENT_JOB_OPERATIONS,
  'index sync': INDEX_SYNC_OPERATIONS,
  'console reads': CONSOLE_READ_OPERATIONS,
  'console writes': CONSOLE_WRITE_OPERATIONS,
} as const satisfies Record<string, readonly string[]>;

export type CodePathName = keyof typeof CODE_PATHS;

/** What receiving a trigger takes: the webhook events it comes from and the code that turns one into runs. */
export interface TriggerSource {
  events: readonly WebhookEventName[];
  codePaths: readonly CodePathName[];
}

/** Triggers that come from HighLevel; the others come from Accelevents or a poller and call no HighLevel. */
export const TRIGGER_SOURCES: Partial<Record<TriggerName, TriggerSource>> = {
  'highlevel.inbound_message': { events: ['InboundMessage'], codePaths: ['inbound-message job'] },
};

export interface FeatureSpec {
  description: string;
  /** Code outside its workflows that the feature runs. */
  codePaths: readonly CodePathName[];
  /** Events consumed outside workflow triggers (the console's index mirror). */
  events: readonly WebhookEventName[];
  /** Scopes HighLevel requires of the app itself for the feature, with what requires them. */
  appScopes?: readonly { scope: string; operation: string }[];
}

const CONSOLE_EVENTS: readonly WebhookEventName[] = ['InboundMessage', 'OutboundMessage', 'ConversationUnreadUpdate'];

export const FEATURES: Record<FeatureName, FeatureSpec> = {
  'registration-welcome': {
    description: 'welcome message to each new Accelevents registrant',
    codePaths: [],
    events: [],
  },
  'checkin-welcome': {
    description: 'message at check-in, and the attendee’s reply to the preference question',
    codePaths: [],
    events: [],
  },
  'session-highlights': {
    description: 'session highlights after each session ends',
    codePaths: [],
    events: [],
  },
  'sponsor-channel': {
    description: 'attendees write to a sponsor by name; its console users answer in the same conversation',
    codePaths: [],
    events: [],
  },
  'agent-console': {
    description: 'support agents read, answer and manage conversations',
    codePaths: ['console reads', 'console writes'],
    events: CONSOLE_EVENTS,
  },
  'agent-console-readonly': {
    // The separate read-only role for support agents.
    description: 'support agents read conversations, messages, recordings and transcripts only',
    codePaths: ['console reads'],
    events: CONSOLE_EVENTS,
  },
  marketplace: {
    description: "Accelevents triggers and parley actions inside HighLevel's workflow builder",
    codePaths: [],
    events: [],
    // A Marketplace app's workflow triggers and actions need it
    // (https://marketplace.gohighlevel.com/docs/marketplace-modules/CustomTriggers).
    appScopes: [{ scope: 'workflows.readonly', operation: 'marketplace workflow triggers and actions' }],
  },
};

/**
 * Runs whenever a worker does, whatever the features: the index sync of every connected location
 * (src/jobs/index-maintenance.ts). The planner lists it as its own consumer.
 */
export const ALWAYS_ON_CODE_PATHS: readonly CodePathName[] = ['index sync'];

/**
 * Not a feature but a connection kind: an agency (Company) token turns into location tokens
 * through POST /oauth/locationToken and lists installs through GET /oauth/installedLocations
 * (src/highlevel/oauth/token-client.ts), so an agency grant needs these on top of the features'.
 */
export const AGENCY_OPERATIONS = ['get-location-access-token', 'get-installed-location'] as const;
