/**
 * The Kysely view of parley's own tables. Hand-written: this is our schema, not a provider DTO.
 * It must match what the migrations in `./migrations` create; the store tests insert and read
 * every column through this interface on both SQLite and PostgreSQL.
 *
 * Times are epoch milliseconds in `bigint` columns, read back as JS numbers on both databases
 * (see postgres-dialect.ts for why that is safe). Nullable columns may be left out of inserts.
 */

/** One row per HighLevel call: the audit trail of DESIGN C10 (who or what, which scope, result). */
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

/** The rate scheduler's view of one (app, location) bucket, shared across processes (DESIGN D7, C12). */
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
}

/** Instance-wide settings, one value per key (e.g. the vault key check). Values are text; JSON is stored as text. */
export interface SettingsTable {
  key: string;
  value: string;
  updated_at: number;
}

export interface Database {
  highlevel_calls: HighlevelCallsTable;
  rate_limit_state: RateLimitStateTable;
  settings: SettingsTable;
}
