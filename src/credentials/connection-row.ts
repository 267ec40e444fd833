/**
 * A `connections` row as the rest of parley sees it: a `Connection` with no secret columns at all,
 * so a record can be logged, listed or returned without leaking a token.
 */
import type { Selectable } from 'kysely';
import type { ConnectionsTable } from '../store/schema.js';
import type { Connection } from './types.js';

export type ConnectionRow = Selectable<ConnectionsTable>;

/** The public columns, so no query that feeds `toConnection` ever selects a ciphertext. */
export const PUBLIC_COLUMNS = [
  'id',
  'provider',
  'kind',
  'account_key',
  'label',
  'user_type',
  'location_id',
  'company_id',
  'parent_id',
  'scopes',
  'status',
  'status_reason',
  'expires_at',
  'last_refresh_at',
  'refresh_failures',
  'refresh_failure_day',
  'settings',
  'version',
  'created_at',
  'updated_at',
] as const;

export type PublicRow = Pick<ConnectionRow, (typeof PUBLIC_COLUMNS)[number]>;

/** UTC `yyyy-mm-dd`: refresh failures are counted per day and start again from zero the next day. */
export function utcDay(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

export function splitScopes(scopes: string): string[] {
  return scopes.split(/\s+/).filter((s) => s.length > 0);
}

function parseSettings(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

export function toConnection(row: PublicRow, now: number): Connection {
  return {
    id: row.id,
    provider: row.provider,
    kind: row.kind,
    accountKey: row.account_key,
    label: row.label,
    userType: row.user_type,
    locationId: row.location_id,
    companyId: row.company_id,
    parentId: row.parent_id,
    scopes: splitScopes(row.scopes),
    status: row.status,
    statusReason: row.status_reason,
    expiresAt: row.expires_at,
    lastRefreshAt: row.last_refresh_at,
    refreshFailuresToday: row.refresh_failure_day === utcDay(now) ? row.refresh_failures : 0,
    settings: parseSettings(row.settings),
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
