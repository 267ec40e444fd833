/**
 * Runs stored Accelevents deliveries again through the current mapping and workflows, so once a
 * mapping is fixed (or a workflow switched back on) nothing needs resending. Each selected row's raw
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
import type { InboxReasonCode } from './inbox-reasons.js';
import { IntakeError } from './intake-error.js';
import { parseWebhookBody } from './parse-body.js';
import { planDeliveries } from './plan-deliveries.js';
import { compileMapping, resolveWebhookConfig } from './webhook-config.js';
import type { AcceleventsWebhookSettings } from './webhook-settings.js';
import { writeDeliveryBatch } from './write-delivery-batch.js';

export interface ReprocessDeps {
  db: Kysely<Database>;
  queue: Queue;
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

interface StoredRow {
  id: string;
  source: string;
  status: InboxStatus;
  body: string;
  content_type: string | null;
  headers: string;
  mapped: string | null;
}

export async function reprocessDeliveries(
  deps: ReprocessDeps,
  selector: ReprocessSelector,
): Promise<ReprocessResult[]> {
  if (!selector.ids?.length && !selector.status && !selector.reasonCode) {
    throw new IntakeError('invalid_selector', 'reprocessDeliveries: give ids, a status or a reason code');
  }
  const config = resolveWebhookConfig(deps.config);
  const mapping = compileMapping(config);
  const now = deps.now ?? Date.now;
  let query = deps.db
    .selectFrom('inbox')
    .select(['id', 'source', 'status', 'body', 'content_type', 'headers', 'mapped'])
    .where('source', 'in', ['accelevents', 'reconciliation'])
    .orderBy('received_at')
    .orderBy('id')
    .limit(selector.limit ?? DEFAULT_LIMIT);
  if (selector.ids?.length) query = query.where('id', 'in', [...selector.ids]);
  if (selector.status) query = query.where('status', '=', selector.status);
  if (selector.reasonCode) query = query.where('reason_code', '=', selector.reasonCode);
  const rows = (await query.execute()) as StoredRow[];
  if (selector.ids?.length) {
    const missing = selector.ids.filter((id) => !rows.some((row) => row.id === id));
    if (missing.length > 0) {
      throw new IntakeError('delivery_not_found', `no Accelevents delivery with id ${missing.join(', ')}`);
    }
  }
  const results: ReprocessResult[] = [];
  for (const row of rows) results.push(await reprocessRow(deps, row, { mapping, config, now }));
  const queued = results.reduce((sum, r) => sum + r.queued, 0);
  deps.logger.info({ rows: results.length, queued }, 'Accelevents deliveries reprocessed');
  return results;
}

async function reprocessRow(
  deps: ReprocessDeps,
  row: StoredRow,
  ctx: {
    mapping: ReturnType<typeof compileMapping>;
    config: ReturnType<typeof resolveWebhookConfig>;
    now: () => number;
  },
): Promise<ReprocessResult> {
  const parsed = parseWebhookBody(Buffer.from(row.body, 'utf8'), row.content_type ?? undefined);
  if (!parsed.ok) {
    // Intake stored only bodies it could parse, so this is a row written by hand or by an old version.
    return { id: row.id, status: row.status, reasonCode: null, reason: parsed.message, queued: 0, createdIds: [] };
  }
  const headers = JSON.parse(row.headers) as Record<string, string>;
  const planned = planDeliveries({
    records: parsed.records,
    format: parsed.format,
    rawText: row.body,
    contentType: row.content_type,
    headers,
    storedHeaders: headers,
    mapping: ctx.mapping,
    deliveryIdHeader: ctx.config.deliveryIdHeader,
  });
  const old = row.mapped === null ? null : (JSON.parse(row.mapped) as { person?: { path?: string }; lane?: string });
  const mine = planned.find((p) => p.mapped.person.path === (old?.person?.path ?? '$')) ?? planned[0];
  if (!mine) throw new IntakeError('invalid_body', `delivery ${row.id}: its body names no record`);
  const siblings = planned.filter((p) => p !== mine);
  const { delivery } = mine;
  const mapped = old?.lane ? { ...(delivery.mapped as object), lane: old.lane } : delivery.mapped;
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
