/**
 * What HighLevel workflows do with parley's marketplace triggers, for admins: the subscriptions
 * HighLevel told parley about (one per workflow trigger, `marketplace_subscriptions`), grouped by
 * location, and the firings parley made for them (`marketplace_firings`, the delivery ledger) with
 * their result. Both newest first, keyset paged on (created_at, id) like the audit log.
 */
import type { Kysely, Selectable } from 'kysely';
import type {
  Database,
  MarketplaceFiringStatus,
  MarketplaceFiringsTable,
  MarketplaceSubscriptionsTable,
} from '../../store/schema.js';
import { decodeCursor, type KeysetPage, toPage } from './keyset-cursor.js';

/** `gone`: paused because the target URL answered 404 or 410 (src/marketplace/subscriptions.ts). */
export const SUBSCRIPTION_STATUSES = ['active', 'gone', 'deleted'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

export interface SubscriptionQuery {
  status: SubscriptionStatus;
  locationId?: string;
  limit: number;
  cursor?: string | null;
}

export interface SubscriptionView {
  triggerId: string;
  triggerKey: string;
  locationId: string;
  workflowId: string | null;
  companyId: string | null;
  targetUrl: string;
  /** The filters the workflow's author chose, as HighLevel sent them. */
  filters: unknown[];
  status: SubscriptionStatus;
  /** Why a `gone` subscription is paused; null otherwise. */
  inactiveReason: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface FiringQuery {
  status?: MarketplaceFiringStatus;
  locationId?: string;
  triggerId?: string;
  limit: number;
  cursor?: string | null;
}

export interface FiringView {
  id: string;
  triggerId: string;
  triggerKey: string;
  eventKey: string;
  locationId: string;
  status: MarketplaceFiringStatus;
  attempts: number;
  httpStatus: number | null;
  lastError: string | null;
  createdAt: number;
  sentAt: number | null;
}

export async function listMarketplaceSubscriptions(
  db: Kysely<Database>,
  query: SubscriptionQuery,
): Promise<KeysetPage<SubscriptionView>> {
  const after = query.cursor ? decodeCursor(query.cursor) : null;
  const rows = await db
    .selectFrom('marketplace_subscriptions')
    .selectAll()
    .where('status', '=', query.status)
    .$if(Boolean(query.locationId), (qb) => qb.where('location_id', '=', query.locationId as string))
    .$if(after !== null, (qb) => {
      const [at, id] = after as [number, string];
      return qb.where((eb) =>
        eb.or([eb('created_at', '<', at), eb.and([eb('created_at', '=', at), eb('trigger_id', '<', id)])]),
      );
    })
    .orderBy('created_at', 'desc')
    .orderBy('trigger_id', 'desc')
    .limit(query.limit + 1)
    .execute();
  return toPage(rows, query.limit, (row) => [Number(row.created_at), row.trigger_id], toSubscription);
}

export async function listMarketplaceFirings(
  db: Kysely<Database>,
  query: FiringQuery,
): Promise<KeysetPage<FiringView>> {
  const after = query.cursor ? decodeCursor(query.cursor) : null;
  const rows = await db
    .selectFrom('marketplace_firings')
    .selectAll()
    .$if(Boolean(query.status), (qb) => qb.where('status', '=', query.status as MarketplaceFiringStatus))
    .$if(Boolean(query.locationId), (qb) => qb.where('location_id', '=', query.locationId as string))
    .$if(Boolean(query.triggerId), (qb) => qb.where('trigger_id', '=', query.triggerId as string))
    .$if(after !== null, (qb) => {
      const [at, id] = after as [number, string];
      return qb.where((eb) =>
        eb.or([eb('created_at', '<', at), eb.and([eb('created_at', '=', at), eb('id', '<', id)])]),
      );
    })
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute();
  return toPage(rows, query.limit, (row) => [Number(row.created_at), row.id], toFiring);
}

/** The subscriptions of a page, one group per location, locations in the order they first appear. */
export function groupByLocation(
  subscriptions: SubscriptionView[],
): { locationId: string; subscriptions: SubscriptionView[] }[] {
  const groups = new Map<string, SubscriptionView[]>();
  for (const subscription of subscriptions) {
    const group = groups.get(subscription.locationId) ?? [];
    group.push(subscription);
    groups.set(subscription.locationId, group);
  }
  return [...groups].map(([locationId, list]) => ({ locationId, subscriptions: list }));
}

function parseFilters(text: string): unknown[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value : [];
  } catch {
    return [];
  }
}

function toSubscription(row: Selectable<MarketplaceSubscriptionsTable>): SubscriptionView {
  return {
    triggerId: row.trigger_id,
    triggerKey: row.trigger_key,
    locationId: row.location_id,
    workflowId: row.workflow_id,
    companyId: row.company_id,
    targetUrl: row.target_url,
    filters: parseFilters(row.filters),
    status: row.status,
    inactiveReason: row.inactive_reason ?? null,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function toFiring(row: Selectable<MarketplaceFiringsTable>): FiringView {
  return {
    id: row.id,
    triggerId: row.trigger_id,
    triggerKey: row.trigger_key,
    eventKey: row.event_key,
    locationId: row.location_id,
    status: row.status,
    attempts: Number(row.attempts),
    httpStatus: row.http_status === null ? null : Number(row.http_status),
    lastError: row.last_error,
    createdAt: Number(row.created_at),
    sentAt: row.sent_at === null ? null : Number(row.sent_at),
  };
}
