/**
 * Runs stored Accelevents deliveries again through the current mapping and workflows, so once a
 * mapping is fixed (or a workflow switched back on) nothing needs resending. The mapping is the
 * effective one, read fresh: the config file's plus what an admin saved in the console
 * (effective-mapping.ts). Each selected row's raw
 * body is planned again exactly as a new delivery would be (plan-deliveries.ts):
 * - the row becomes the person it held (by their place in the record), with its new mapping, status
 *   and reason, and a fresh job when it can now run;
 * - people the old mapping missed (a holder list it did not know) become new rows, keyed as new
 *   deliveries would be, so reprocessing twice adds nobody twice.
 * Each row is rewritten in one transaction with its job and its new siblings.
 */
import type { Kysely } from 'kysely';

import type { Logger } from '../lib/create-logger.js';
import type { Queue } from '../queue/types.js';
import type { Database, InboxStatus } from '../store/schema.js';
import { loadEffectiveMapping } from './effective-mapping.js';
import type { InboxReasonCode } from './inbox-reasons.js';
import { IntakeError } from './intake-error.js';
import { replanDelivery, STORED_DELIVERY_COLUMNS, type StoredDeliveryRow } from './replan-delivery.js';
import type { PayloadMapping } from './webhook-config.js';
import type { AcceleventsWebhookSettings } from './webhook-settings.js';
import { writeDeliveryBatch } from './write-delivery-batch.js';

export interface ReprocessDeps {
  db: Kysely<Database>;
  queue: Queue;
  /** `accelevents.webhook` from the file config: the base the saved mapping is applied to. */
  config?: AcceleventsWebhookSettings;
  logger: Logger;
  now?: () => number;
}

export interface ReprocessSelector {
  ids?: readonly string[];
  status?: InboxStatus;
  reasonCode?: InboxReasonCode;
  /** Most rows in one call; default 1,000. */
  limit?: number;
}

export interface ReprocessResult {
  id: string;
  status: InboxStatus;
  reasonCode: string | null;
  reason: string | null;
  /** Jobs queued: this row's, plus one per new sibling row. */
  queued: number;
  createdIds: string[];
}

const DEFAULT_LIMIT = 1000;

export async function reprocessDeliveries(
  deps: ReprocessDeps,
  selector: ReprocessSelector,
): Promise<ReprocessResult[]> {
  if (!selector.ids?.length && !selector.status && !selector.reasonCode) {
    throw new IntakeError('invalid_selector', 'reprocessDeliveries: give ids, a status or a reason code');
  }
  const { config, mapping } = await loadEffectiveMapping(deps.db, deps.config);
  const now = deps.now ?? Date.now;
  let query = deps.db
    .selectFrom('inbox')
    .select(STORED_DELIVERY_COLUMNS)
    .where('source', 'in', ['accelevents', 'reconciliation'])
    .orderBy('received_at')
    .orderBy('id')
    .limit(selector.limit ?? DEFAULT_LIMIT);
  if (selector.ids?.length) query = query.where('id', 'in', [...selector.ids]);
  if (selector.status) query = query.where('status', '=', selector.status);
  if (selector.reasonCode) query = query.where('reason_code', '=', selector.reasonCode);
  const rows: StoredDeliveryRow[] = await query.execute();
  if (selector.ids?.length) {
    const missing = selector.ids.filter((id) => !rows.some((row) => row.id === id));
    if (missing.length > 0) {
      throw new IntakeError('delivery_not_found', `no Accelevents delivery with id ${missing.join(', ')}`);
    }
  }
  const results: ReprocessResult[] = [];
  for (const row of rows) {
    results.push(await reprocessRow(deps, row, { mapping, deliveryIdHeader: config.deliveryIdHeader, now }));
  }
  const queued = results.reduce((sum, r) => sum + r.queued, 0);
  deps.logger.info({ rows: results.length, queued }, 'Accelevents deliveries reprocessed');
  return results;
}

async function reprocessRow(
  deps: ReprocessDeps,
  row: StoredDeliveryRow,
  ctx: { mapping: PayloadMapping; deliveryIdHeader: string | null; now: () => number },
): Promise<ReprocessResult> {
  const replanned = replanDelivery(row, ctx.mapping, ctx.deliveryIdHeader);
  if (!replanned.ok) {
    if (replanned.problem === 'empty') throw new IntakeError('invalid_body', replanned.message);
    return { id: row.id, status: row.status, reasonCode: null, reason: replanned.message, queued: 0, createdIds: [] };
  }
  const { mine, siblings, lane } = replanned;
  const { delivery } = mine;
  const mapped = lane ? { ...(delivery.mapped as object), lane } : delivery.mapped;
  return deps.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('inbox')
      .set({
        topic: delivery.topic,
        mapped: JSON.stringify(mapped),
        status: delivery.status,
        reason_code: delivery.reason?.code ?? null,
        reason: delivery.reason?.message ?? null,
        error: null,
        processed_at: null,
      })
      .where('id', '=', row.id)
      .execute();
    let queued = 0;
    if (delivery.status === 'received' && mine.job) {
      await deps.queue.enqueue({ kind: mine.job.kind, payload: { inboxId: row.id }, priority: mine.job.priority }, trx);
      queued += 1;
    }
    const written = await writeDeliveryBatch(
      trx,
      { queue: deps.queue, now: ctx.now },
      siblings.map((s) => ({ delivery: { ...s.delivery, source: row.source as 'accelevents' }, job: s.job })),
    );
    const createdIds = written.flatMap((w) => (w.duplicate ? [] : [w.id]));
    queued += written.filter((w) => !w.duplicate && w.jobId !== null).length;
    return {
      id: row.id,
      status: delivery.status,
      reasonCode: delivery.reason?.code ?? null,
      reason: delivery.reason?.message ?? null,
      queued,
      createdIds,
    };
  });
}
