/**
 * The stored subscriptions: one row per HighLevel workflow trigger (`triggerData.id`) using one of our
 * triggers, with the `targetUrl` its firings go to. A trigger id belongs to the location that created
 * it: another location's call changes nothing. DELETED (or the location's UNINSTALL) marks the row
 * `deleted` for good: HighLevel's guide says to stop sending after DELETED, so a late or retried
 * CREATED/UPDATED for that id does not bring it back.
 *
 * A target URL that answers 404 or 410 marks the row `gone` (deliver-firing.ts): HighLevel no longer
 * knows that trigger (its workflow was deleted or unpublished without a DELETED reaching parley), so
 * firing at it again only fails again. Unlike `deleted` this is parley's inference, not HighLevel's
 * word, so a CREATED or UPDATED for the id makes it active again. (REST hook senders drop a
 * subscription whose URL answers 410 Gone: https://docs.zapier.com/platform/build/cli-hook-trigger.)
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.js';
import type { TriggerKey } from './trigger-catalog.js';

type Db = Kysely<Database> | Transaction<Database>;

/** One filter the workflow's author chose, as HighLevel sends it (`field` is a dot path into the payload). */
export interface SubscriptionFilter {
  field: string;
  operator?: string;
  value?: unknown;
  [other: string]: unknown;
}

export interface Subscription {
  triggerId: string;
  triggerKey: TriggerKey;
  locationId: string;
  workflowId: string | null;
  companyId: string | null;
  targetUrl: string;
  filters: SubscriptionFilter[];
  status: 'active' | 'deleted' | 'gone';
  /** Why a `gone` subscription is paused; null otherwise. */
  inactiveReason: string | null;
  createdAt: number;
  updatedAt: number;
}

export type SubscriptionInput = Omit<Subscription, 'status' | 'inactiveReason' | 'createdAt' | 'updatedAt'>;

/** Every status a CREATED/UPDATED, DELETED or UNINSTALL still acts on. */
const LIVE: Subscription['status'][] = ['active', 'gone'];

/** What a CREATED/UPDATED did: `stored`, or why it changed nothing. */
export type SaveOutcome = 'stored' | 'deleted_before' | 'other_location';

export async function saveSubscription(db: Db, input: SubscriptionInput, now: number): Promise<SaveOutcome> {
  const values = {
    trigger_key: input.triggerKey,
    workflow_id: input.workflowId,
    company_id: input.companyId,
    target_url: input.targetUrl,
    filters: JSON.stringify(input.filters),
    updated_at: now,
  };
  const inserted = await db
    .insertInto('marketplace_subscriptions')
    .values({
      ...values,
      trigger_id: input.triggerId,
      location_id: input.locationId,
      status: 'active',
      created_at: now,
    })
    .onConflict((oc) => oc.column('trigger_id').doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0) return 'stored';
  const updated = await db
    .updateTable('marketplace_subscriptions')
    .set({ ...values, status: 'active', inactive_reason: null })
    .where('trigger_id', '=', input.triggerId)
    .where('location_id', '=', input.locationId)
    .where('status', 'in', LIVE)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) > 0) return 'stored';
  const row = await db
    .selectFrom('marketplace_subscriptions')
    .select(['location_id', 'status'])
    .where('trigger_id', '=', input.triggerId)
    .executeTakeFirst();
  return row?.location_id !== input.locationId ? 'other_location' : 'deleted_before';
}

/** DELETED: true when an active (or gone) subscription of this location was marked deleted. */
export async function deleteSubscription(db: Db, triggerId: string, locationId: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('marketplace_subscriptions')
    .set({ status: 'deleted', inactive_reason: null, updated_at: now })
    .where('trigger_id', '=', triggerId)
    .where('location_id', '=', locationId)
    .where('status', 'in', LIVE)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** UNINSTALL: every active (or gone) subscription of the location is marked deleted; answers how many. */
export async function deleteLocationSubscriptions(db: Db, locationId: string, now: number): Promise<number> {
  const result = await db
    .updateTable('marketplace_subscriptions')
    .set({ status: 'deleted', inactive_reason: null, updated_at: now })
    .where('location_id', '=', locationId)
    .where('status', 'in', LIVE)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * The target URL answered that the trigger is gone: pauses the subscription, unless it changed since
 * that URL was read (an UPDATED with a new target, or DELETED). True when this call paused it.
 */
export async function markSubscriptionGone(
  db: Db,
  subscription: Pick<Subscription, 'triggerId' | 'targetUrl'>,
  reason: string,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable('marketplace_subscriptions')
    .set({ status: 'gone', inactive_reason: reason, updated_at: now })
    .where('trigger_id', '=', subscription.triggerId)
    .where('target_url', '=', subscription.targetUrl)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function activeSubscriptions(db: Db, triggerKey: TriggerKey, locationId: string): Promise<Subscription[]> {
  const rows = await db
    .selectFrom('marketplace_subscriptions')
    .selectAll()
    .where('trigger_key', '=', triggerKey)
    .where('location_id', '=', locationId)
    .where('status', '=', 'active')
    .execute();
  return rows.map(subscriptionOf);
}

export async function findSubscription(db: Db, triggerId: string): Promise<Subscription | null> {
  const row = await db
    .selectFrom('marketplace_subscriptions')
    .selectAll()
    .where('trigger_id', '=', triggerId)
    .executeTakeFirst();
  return row ? subscriptionOf(row) : null;
}

/** Every subscription, newest change first (the console's list); `status` narrows it. */
export async function listSubscriptions(
  db: Db,
  options: { locationId?: string; status?: Subscription['status']; limit?: number } = {},
): Promise<Subscription[]> {
  let query = db.selectFrom('marketplace_subscriptions').selectAll();
  if (options.locationId) query = query.where('location_id', '=', options.locationId);
  if (options.status) query = query.where('status', '=', options.status);
  const rows = await query
    .orderBy('updated_at', 'desc')
    .limit(options.limit ?? 500)
    .execute();
  return rows.map(subscriptionOf);
}

function subscriptionOf(row: Database['marketplace_subscriptions']): Subscription {
  let filters: SubscriptionFilter[] = [];
  try {
    const parsed: unknown = JSON.parse(row.filters);
    if (Array.isArray(parsed)) filters = parsed as SubscriptionFilter[];
  } catch {}
  return {
    triggerId: row.trigger_id,
    triggerKey: row.trigger_key as TriggerKey,
    locationId: row.location_id,
    workflowId: row.workflow_id,
    companyId: row.company_id,
    targetUrl: row.target_url,
    filters,
    status: row.status,
    inactiveReason: row.inactive_reason ?? null,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}
