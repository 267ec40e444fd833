/**
 * The Kysely view of parley's own tables. Hand-written: this is our schema, not a provider DTO.
 * It must match what the migrations in `./migrations` create; the store tests insert and read
 * every column through this interface on both SQLite and PostgreSQL.
 *
 * Times are epoch milliseconds in `bigint` columns, read back as JS numbers on both databases
 * (see postgres-dialect.ts for why that is safe). Nullable columns may be left out of inserts.
 */
import type { Generated } from 'kysely';

/** One row per HighLevel call: the audit trail (who or what, which scope, result). */
export interface HighlevelCallsTable {
  id: string;
  /** Epoch ms when the call started. */
  at: number;
  /** Who or what made the call: a user id, a workflow run id, or `cli`. */
  actor: string;
  location_id: string | null;
  operation_id: string;
  scope: string | null;
  /** HTTP status; null when no response came back (timeout, reset). */
  status: number | null;
  error_code: string | null;
  attempt: number;
  duration_ms: number;
}

/** The rate scheduler's view of one (app, location) bucket, shared by every parley process on the database. */
export interface RateLimitStateTable {
  app_id: string;
  location_id: string;
  max: number;
  remaining: number;
  interval_ms: number;
  daily_limit: number;
  daily_remaining: number;
  window_started_at: number;
  updated_at: number;
  /** 1 once the window parley opened has seen its first answer (0 until then). */
  window_confirmed: Generated<number>;
  /** Shared mode's calls in flight (src/ratelimit/bucket-state.ts, `CallsInFlight`); 0 in memory mode's snapshots. */
  opened_at: Generated<number>;
  in_flight: Generated<number>;
  strays: Generated<number>;
  older_strays: Generated<number>;
  strays_slot: Generated<number>;
}

/** Instance-wide settings, one value per key (e.g. the vault key check). Values are text; JSON is stored as text. */
export interface SettingsTable {
  key: string;
  value: string;
  updated_at: number;
}

/** A data key wrapped under the master key, so a new master key re-wraps these rows only (docs/operations.md). */
export interface VaultKeysTable {
  kid: string;
  wrapped_key: string;
  status: 'active' | 'retired';
  created_at: number;
  retired_at: number | null;
}

/** One connected account: a HighLevel location or agency, or an Accelevents organisation. */
export interface ConnectionsTable {
  id: string;
  provider: 'highlevel' | 'accelevents';
  kind: 'oauth' | 'pit' | 'location_token' | 'api_key';
  account_key: string;
  label: string;
  user_type: 'Location' | 'Company' | null;
  location_id: string | null;
  company_id: string | null;
  parent_id: string | null;
  scopes: string;
  status: 'ok' | 'needs_reconnect' | 'disabled';
  status_reason: string | null;
  access_token_enc: string | null;
  refresh_token_enc: string | null;
  api_key_enc: string | null;
  expires_at: number | null;
  last_refresh_at: number | null;
  refresh_failures: number;
  refresh_failure_day: string | null;
  settings: string;
  version: number;
  created_at: number;
  updated_at: number;
}

export interface OauthStatesTable {
  state_hash: string;
  provider: string;
  redirect_uri: string;
  scopes: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  /** SHA-256 hex of the console session that started the install; null when the operator's CLI did. */
  session_sha256: string | null;
}

/** `skipped`: its workflow was switched off; it can run once the workflow is on again. */
export const INBOX_STATUSES = ['received', 'processed', 'ignored', 'skipped', 'failed'] as const;
export type InboxStatus = (typeof INBOX_STATUSES)[number];

export interface InboxTable {
  id: string;
  source: 'accelevents' | 'highlevel' | 'reconciliation';
  dedupe_key: string;
  topic: string | null;
  content_type: string | null;
  headers: string;
  body: string;
  mapped: string | null;
  status: InboxStatus;
  error: string | null;
  /** Why the delivery started no run (src/intake/inbox-reasons.ts); null while it did or may. */
  reason_code: string | null;
  reason: string | null;
  received_at: number;
  processed_at: number | null;
}

export interface JobsTable {
  id: string;
  kind: string;
  payload: string;
  priority: number;
  run_at: number;
  status: 'pending' | 'running' | 'done' | 'dead';
  attempts: number;
  max_attempts: number;
  locked_by: string | null;
  locked_until: number | null;
  last_error: string | null;
  dedupe_key: string | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

export interface WorkflowRunsTable {
  id: string;
  workflow: string;
  trigger_key: string;
  status: 'running' | 'completed' | 'failed' | 'skipped';
  input: string;
  error: string | null;
  started_at: number;
  finished_at: number | null;
  /** The stored workflow version the run ran (migration 0013); null for a built-in or a file. */
  version: number | null;
}

export interface RunStepsTable {
  run_id: string;
  step: string;
  status: 'started' | 'completed' | 'failed';
  output: string | null;
  started_at: number;
  finished_at: number | null;
  /** The step's rendered input (JSON), for the run page; null when it was skipped or written before 0013. */
  input: string | null;
}

/** A workflow edited in the console: its current version, or its deletion. */
export interface WorkflowsTable {
  name: string;
  version: number;
  based_on: string | null;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
}

/** The audit log of admins' changes in the console. */
export interface ConsoleChangesTable {
  id: string;
  at: number;
  actor: string;
  action: string;
  target: string;
  detail: string | null;
}

/** Every saved definition of a stored workflow. */
export interface WorkflowVersionsTable {
  name: string;
  version: number;
  /** JSON of the definition, as its YAML would hold it. */
  definition: string;
  author: string;
  note: string;
  created_at: number;
}

export interface AttendeeLinksTable {
  event_key: string;
  attendee_id: string;
  location_id: string;
  contact_id: string | null;
  conversation_id: string | null;
  welcome_message_id: string | null;
  created_at: number;
  updated_at: number;
}

export interface PreferencesTable {
  location_id: string;
  contact_id: string;
  key: string;
  value: string;
  received_at: number;
}

/** A console user. `email` is lowercased; the password is stored only as `scrypt$N$r$p$salt$hash`. */
export interface UsersTable {
  id: string;
  email: string;
  password_hash: string;
  role: 'viewer' | 'agent' | 'admin' | 'sponsor';
  created_at: number;
  disabled_at: number | null;
}

/** A bearer API token for scripts, stored only as the SHA-256 hex of the token. */
export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  token_sha256: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
  /** Epoch ms after which the token is refused; null: until revoked. */
  expires_at: number | null;
}

/** A console session; the cookie value and the CSRF token are stored only as SHA-256 hex. */
export interface SessionsTable {
  id_sha256: string;
  user_id: string;
  csrf_token_sha256: string;
  created_at: number;
  expires_at: number;
}

/** Login attempts in the current window, one counter per email and per IP (the login rate limit). */
export interface LoginAttemptsTable {
  scope: 'email' | 'ip';
  subject: string;
  window_started_at: number;
  attempts: number;
}

/** The local index's mirror of one HighLevel conversation (src/search/). Booleans are 0/1. */
export interface IndexConversationsTable {
  conversation_id: string;
  location_id: string;
  contact_id: string | null;
  contact_name: string | null;
  /** Lower-case. */
  contact_email: string | null;
  contact_phone: string | null;
  event_key: string | null;
  unread_count: number;
  starred: number;
  last_message_at: number;
  last_message_body: string | null;
  status: string | null;
  sponsor: number;
  updated_at: number;
}

/** A sponsor-channel conversation's sponsor (src/search/sponsor-channel.ts): one row per conversation and sponsor. */
export interface IndexSponsorConversationsTable {
  conversation_id: string;
  /** The sponsor's key (src/search/sponsor-settings.ts sponsorKeyOf). */
  sponsor: string;
  location_id: string;
  /** The inbound message that routed the conversation to the sponsor; null when a contact tag did. */
  joined_by_message_id: string | null;
  joined_at: number;
}

/** The local index's mirror of one message; body and transcript are nulled by retention. */
export interface IndexMessagesTable {
  message_id: string;
  conversation_id: string;
  location_id: string;
  direction: string | null;
  type: string | null;
  status: string | null;
  body: string | null;
  created_at: number;
  has_recording: number;
  transcript: string | null;
  /** Attachment URLs as a JSON array; null when none are known. */
  attachments: string | null;
  updated_at: number;
}

/** A contact's details as parley last learnt them (src/search/contact-details.ts). Email is lower-case. */
export interface IndexContactsTable {
  location_id: string;
  contact_id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  updated_at: number;
}

/** A HighLevel workflow using one of our triggers (src/marketplace/): where its firings go. */
export interface MarketplaceSubscriptionsTable {
  /** HighLevel's `triggerData.id`. */
  trigger_id: string;
  trigger_key: string;
  location_id: string;
  workflow_id: string | null;
  company_id: string | null;
  target_url: string;
  /** JSON array of the filters the workflow's author chose, as HighLevel sent them. */
  filters: string;
  /** `gone`: the target URL answered 404 or 410; paused until HighLevel sends CREATED or UPDATED again. */
  status: 'active' | 'deleted' | 'gone';
  /** Why a `gone` subscription is paused (the HTTP status and when); null otherwise. */
  inactive_reason: string | null;
  created_at: number;
  updated_at: number;
}

export const MARKETPLACE_FIRING_STATUSES = ['queued', 'sent', 'failed', 'filtered', 'skipped'] as const;
export type MarketplaceFiringStatus = (typeof MARKETPLACE_FIRING_STATUSES)[number];

/** One event for one subscription, unique on (trigger_id, event_key): the delivery ledger. */
export interface MarketplaceFiringsTable {
  id: string;
  trigger_id: string;
  trigger_key: string;
  event_key: string;
  location_id: string;
  /** `filtered`: the subscription's filters excluded it; `skipped`: deleted before it could be sent. */
  status: MarketplaceFiringStatus;
  attempts: Generated<number>;
  last_error: string | null;
  /** The target's last HTTP status; null before any answer. */
  http_status: number | null;
  created_at: number;
  sent_at: number | null;
}

/** A note on an attendee's parley record, from the `parley_add_note` marketplace action (migration 0016). */
export interface AttendeeNotesTable {
  id: string;
  location_id: string;
  contact_id: string;
  /** The Accelevents barcode parley links the contact to; null when it knows none. */
  attendee_id: string | null;
  event_key: string | null;
  body: string;
  /** Who added it, e.g. `marketplace:<workflowId>`. */
  source: string;
  /** Unique: a repeated call adds the note once (src/marketplace/actions/once-key.ts). */
  dedupe_key: string;
  created_at: number;
}

export interface Database {
  highlevel_calls: HighlevelCallsTable;
  rate_limit_state: RateLimitStateTable;
  settings: SettingsTable;
  vault_keys: VaultKeysTable;
  connections: ConnectionsTable;
  oauth_states: OauthStatesTable;
  inbox: InboxTable;
  jobs: JobsTable;
  workflow_runs: WorkflowRunsTable;
  run_steps: RunStepsTable;
  workflows: WorkflowsTable;
  workflow_versions: WorkflowVersionsTable;
  console_changes: ConsoleChangesTable;
  attendee_links: AttendeeLinksTable;
  preferences: PreferencesTable;
  users: UsersTable;
  api_tokens: ApiTokensTable;
  sessions: SessionsTable;
  login_attempts: LoginAttemptsTable;
  index_conversations: IndexConversationsTable;
  index_messages: IndexMessagesTable;
  index_sponsor_conversations: IndexSponsorConversationsTable;
  index_contacts: IndexContactsTable;
  attendee_notes: AttendeeNotesTable;
  marketplace_subscriptions: MarketplaceSubscriptionsTable;
  marketplace_firings: MarketplaceFiringsTable;
}
