/**
 * What `parley connections` and `parley doctor` show of a connection: the record without secrets
 * (Connection never holds any; settings are left out too, as they are provider-specific), and the
 * status a person acts on: `expiring` when the token expires within the refresh margin.
 */
import type { Connection, ConnectionKind, ConnectionStatus, Provider } from './types.js';

export type DisplayStatus = ConnectionStatus | 'expiring';

export interface ConnectionView {
  id: string;
  provider: Provider;
  kind: ConnectionKind;
  /** 'location:<id>' | 'company:<id>' | 'accelevents:<base url>'. */
  account: string;
  label: string;
  userType: 'Location' | 'Company' | null;
  locationId: string | null;
  companyId: string | null;
  parentId: string | null;
  status: DisplayStatus;
  statusReason: string | null;
  scopes: string[];
  /** ISO 8601, or null for tokens that do not expire. */
  expiresAt: string | null;
  lastRefreshAt: string | null;
  refreshFailuresToday: number;
}

export function displayStatus(connection: Connection, now: number, marginMs: number): DisplayStatus {
  if (connection.status !== 'ok') return connection.status;
  // An expired token is "expiring" too: the next use or the refresher renews it.
  if (connection.expiresAt !== null && connection.expiresAt - now <= marginMs) return 'expiring';
  return 'ok';
}

export function toConnectionView(connection: Connection, now: number, marginMs: number): ConnectionView {
  return {
    id: connection.id,
    provider: connection.provider,
    kind: connection.kind,
    account: connection.accountKey,
    label: connection.label,
    userType: connection.userType,
    locationId: connection.locationId,
    companyId: connection.companyId,
    parentId: connection.parentId,
    status: displayStatus(connection, now, marginMs),
    statusReason: connection.statusReason,
    scopes: [...connection.scopes],
    expiresAt: isoOrNull(connection.expiresAt),
    lastRefreshAt: isoOrNull(connection.lastRefreshAt),
    refreshFailuresToday: connection.refreshFailuresToday,
  };
}

/** "in 3h 20m" / "12m ago": how far `at` is from `now`, for the table. */
export function relativeTime(at: number, now: number): string {
  const minutes = Math.round(Math.abs(at - now) / 60_000);
  const text = minutes >= 60 ? `${Math.floor(minutes / 60)}h ${minutes % 60}m` : `${minutes}m`;
  return at >= now ? `in ${text}` : `${text} ago`;
}

function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
