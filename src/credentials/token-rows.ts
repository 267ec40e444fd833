/**
 * The token manager's queries on `connections`. Every token write is a compare-and-swap on
 * `version` in one statement (a read, then a write, would let two racing refreshes both store their
 * rotation), so a writer holding an old view can never overwrite a newer rotation.
 * Each function takes the executor to run on: the store's `db`, or the refresh transaction.
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from '../store/schema.js';
import { utcDay } from './connection-row.js';

type Executor = Kysely<Database>;

export interface TokenRow {
  id: string;
  provider: 'highlevel' | 'accelevents';
  kind: 'oauth' | 'pit' | 'location_token' | 'api_key';
  status: 'ok' | 'needs_reconnect' | 'disabled';
  statusReason: string | null;
  userType: 'Location' | 'Company' | null;
  locationId: string | null;
  companyId: string | null;
  parentId: string | null;
  accessTokenEnc: string | null;
  refreshTokenEnc: string | null;
  expiresAt: number | null;
  version: number;
}

/**
 * Reads the row a refresh works from. `forUpdate` takes PostgreSQL's row lock (the transaction's
 * first statement, so the lock and the token write share one transaction). SQLite has no row
 * locks: there the transaction's `begin immediate` already holds the write lock.
 */
export async function readTokenRow(
  db: Executor,
  id: string,
  options: { forUpdate: boolean },
): Promise<TokenRow | null> {
  let query = db
    .selectFrom('connections')
    .select([
      'id',
      'provider',
      'kind',
      'status',
      'status_reason',
      'user_type',
      'location_id',
      'company_id',
      'parent_id',
      'access_token_enc',
      'refresh_token_enc',
      'expires_at',
      'version',
    ])
    .where('id', '=', id);
  if (options.forUpdate) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) return null;
  return {
    id: row.id,
    provider: row.provider,
    kind: row.kind,
    status: row.status,
    statusReason: row.status_reason,
    userType: row.user_type,
    locationId: row.location_id,
    companyId: row.company_id,
    parentId: row.parent_id,
    accessTokenEnc: row.access_token_enc,
    refreshTokenEnc: row.refresh_token_enc,
    expiresAt: row.expires_at,
    version: row.version,
  };
}

export interface RefreshedTokens {
  id: string;
  /** The version the new tokens replace; the write does nothing if the row moved on. */
  expectedVersion: number;
  accessTokenEnc: string;
  /** Undefined keeps the stored one (a location token has none to rotate). */
  refreshTokenEnc?: string;
  expiresAt: number | null;
  /** Replaces the stored scopes when HighLevel sent any. */
  scopes?: string[];
  now: number;
}

/** Persists a refreshed pair; true when it landed. Also clears the failure count and sets status 'ok'. */
export async function writeRefreshedTokens(db: Executor, tokens: RefreshedTokens): Promise<boolean> {
  const result = await db
    .updateTable('connections')
    .set((eb) => ({
      access_token_enc: tokens.accessTokenEnc,
      ...(tokens.refreshTokenEnc === undefined ? {} : { refresh_token_enc: tokens.refreshTokenEnc }),
      ...(tokens.scopes && tokens.scopes.length > 0 ? { scopes: tokens.scopes.join(' ') } : {}),
      expires_at: tokens.expiresAt,
      last_refresh_at: tokens.now,
      status: 'ok' as const,
      status_reason: null,
      refresh_failures: 0,
      refresh_failure_day: null,
      version: eb('version', '+', 1),
      updated_at: tokens.now,
    }))
    .where('id', '=', tokens.id)
    .where('version', '=', tokens.expectedVersion)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Marks the connection `needs_reconnect` only if its tokens are still the ones that were refused
 * (same version): if a sibling rotated meanwhile, the refused token was merely spent, and the
 * sibling's fresh tokens must not be marked dead. Status is not a token write, so the version stays.
 */
export async function markNeedsReconnect(
  db: Executor,
  mark: { id: string; expectedVersion: number; reason: string; now: number },
): Promise<boolean> {
  const result = await db
    .updateTable('connections')
    .set({ status: 'needs_reconnect', status_reason: mark.reason, updated_at: mark.now })
    .where('id', '=', mark.id)
    .where('version', '=', mark.expectedVersion)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** One more failure today (UTC); a failure on a new day starts the count again at 1. */
export async function recordRefreshFailure(db: Executor, id: string, now: number): Promise<void> {
  const day = utcDay(now);
  await db
    .updateTable('connections')
    .set({
      refresh_failures: sql<number>`case when refresh_failure_day = ${day} then refresh_failures + 1 else 1 end`,
      refresh_failure_day: day,
      updated_at: now,
    })
    .where('id', '=', id)
    .execute();
}

/** HighLevel connections that refresh (OAuth, location tokens), are 'ok', and expire by `cutoff`; agencies first. */
export async function listDueForRefresh(db: Executor, cutoff: number): Promise<{ id: string; kind: string }[]> {
  const rows = await db
    .selectFrom('connections')
    .select(['id', 'kind'])
    .where('provider', '=', 'highlevel')
    .where('kind', 'in', ['oauth', 'location_token'])
    .where('status', '=', 'ok')
    .where('expires_at', 'is not', null)
    .where('expires_at', '<=', cutoff)
    .orderBy('expires_at')
    .execute();
  // A location token is minted with its agency's token, so agencies go first.
  return [...rows.filter((r) => r.kind === 'oauth'), ...rows.filter((r) => r.kind !== 'oauth')];
}
