/**
 * Plans the firings of one happening (a registration, a check-in, an answered preference…): for each
 * active subscription of its trigger at its location, the subscription's filters are applied
 * (trigger-filters.ts) and one `marketplace_firings` row is written, `queued` with its delivery job
 * in the same transaction, or `filtered`. The row is unique on (trigger id, happening id), so a
 * replayed event, a retried job or a second process planning the same happening fires once.
 */
import type { Kysely } from 'kysely';
import type { Logger } from '../lib/create-logger.js';
import { PRIORITY } from '../lib/priority-lanes.js';
import type { Queue } from '../queue/types.js';
import type { Database } from '../store/schema.js';
import { newSortableId } from '../store/sortable-id.js';
import { activeSubscriptions } from './subscriptions.js';
import type { TriggerPayload } from './trigger-catalog.js';
import { applyFilters } from './trigger-filters.js';
import { type TriggerHappening, triggerPayload } from './trigger-payload.js';

export const MARKETPLACE_FIRE_JOB = 'marketplace.fire';

/** The delivery job's payload: what to send, and the ledger row to settle. */
export interface FiringJobPayload {
  firingId: string;
  triggerId: string;
  payload: TriggerPayload;
}

export interface PlanFiringsDeps {
  db: Kysely<Database>;
  queue: Queue;
  logger: Logger;
  newId?: () => string;
  now?: () => number;
}

export interface PlannedFirings {
  queued: number;
  filtered: number;
  /** Already planned for this happening (a replay). */
  duplicates: number;
}

/** Nothing planned yet (or at all, with the marketplace feature off): a fresh count to add to. */
export function noFirings(): PlannedFirings {
  return { queued: 0, filtered: 0, duplicates: 0 };
}

export async function planFirings(
  deps: PlanFiringsDeps,
  happening: TriggerHappening & { locationId: string },
): Promise<PlannedFirings> {
  const planned = noFirings();
  const subscriptions = await activeSubscriptions(deps.db, happening.triggerKey, happening.locationId);
  if (subscriptions.length === 0) return planned;
  const newId = deps.newId ?? newSortableId;
  const now = deps.now ?? Date.now;
  const payload = triggerPayload(happening);
  for (const subscription of subscriptions) {
    const verdict = applyFilters(subscription.filters, payload);
    const log = { triggerId: subscription.triggerId, triggerKey: happening.triggerKey, eventKey: happening.id };
    if (verdict.pass && verdict.unknown.length > 0) {
      deps.logger.warn(
        { ...log, filters: verdict.unknown },
        'marketplace filters with unknown operators left to HighLevel',
      );
    }
    const firingId = newId();
    const outcome = await deps.db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('marketplace_firings')
        .values({
          id: firingId,
          trigger_id: subscription.triggerId,
          trigger_key: happening.triggerKey,
          event_key: happening.id,
          location_id: happening.locationId,
          status: verdict.pass ? 'queued' : 'filtered',
          last_error: verdict.pass ? null : `filtered out: ${verdict.failed}`,
          created_at: now(),
        })
        .onConflict((oc) => oc.columns(['trigger_id', 'event_key']).doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) return 'duplicate' as const;
      if (!verdict.pass) return 'filtered' as const;
      const job: FiringJobPayload = { firingId, triggerId: subscription.triggerId, payload };
      await deps.queue.enqueue(
        {
          kind: MARKETPLACE_FIRE_JOB,
          payload: job,
          priority: PRIORITY.automation,
          dedupeKey: `marketplace:${firingId}`,
        },
        trx,
      );
      return 'queued' as const;
    });
    if (outcome === 'queued') planned.queued += 1;
    else if (outcome === 'filtered') planned.filtered += 1;
    else planned.duplicates += 1;
    deps.logger.debug({ ...log, outcome }, 'marketplace firing planned');
  }
  return planned;
}

/** attendee_links.event_key prefix of check-in links (workflows/builtin/checkin-welcome.yaml). */
const CHECK_IN_LINK_PREFIX = 'check-in:';

/** The HighLevel contact parley linked to an attendee at a location (by a welcome run), if any. */
export async function linkedContactId(
  db: Kysely<Database>,
  where: { locationId: string; eventKey: string | null; attendeeId: string | null },
): Promise<string | null> {
  if (where.attendeeId === null) return null;
  let query = db
    .selectFrom('attendee_links')
    .select('contact_id')
    .where('location_id', '=', where.locationId)
    .where('attendee_id', '=', where.attendeeId)
    .where('contact_id', 'is not', null);
  if (where.eventKey !== null) {
    query = query.where('event_key', 'in', [where.eventKey, `${CHECK_IN_LINK_PREFIX}${where.eventKey}`]);
  }
  const row = await query.orderBy('updated_at', 'desc').executeTakeFirst();
  return row?.contact_id ?? null;
}
