/**
 * The durable half of intake: the inbox row and its job commit together, or neither does
 * (persist, commit, then answer 2xx: https://docs.svix.com/receiving/introduction). A second delivery with the
 * same (source, dedupe key) finds the first row and stores nothing: `ON CONFLICT DO NOTHING` rather than
 * catching the unique violation, because on PostgreSQL a failed statement aborts the whole transaction.
 */
import type { Insertable, Kysely, Transaction } from 'kysely';
import type { Queue } from '../queue/types.js';
import type { Database, InboxTable } from '../store/schema.js';
import { newSortableId } from '../store/sortable-id.js';
import type { InboxReason } from './inbox-reasons.js';

export interface InboxDelivery {
  source: InboxTable['source'];
  dedupeKey: string;
  topic: string | null;
  contentType: string | null;
  headers: Record<string, string>;
  /** The raw body as received (UTF-8 text). */
  body: string;
  mapped: unknown;
  /** `ignored`: kept so nothing is lost, but no job is enqueued (e.g. an unrecognised topic). */
  status: 'received' | 'ignored';
  /** Why an `ignored` delivery starts no run; shown to the operator. */
  reason?: InboxReason | null;
}

/** The job that processes the row; its payload is `{ inboxId }` and its dedupe key `inbox:<id>`. */
export interface InboxJob {
  kind: string;
  priority: number;
}

export interface StoreDeliveryDeps {
  db: Kysely<Database>;
  queue: Queue;
  now: () => number;
  newId?: () => string;
}

export type StoredDelivery =
  | { duplicate: false; id: string; jobId: string | null }
  | { duplicate: true; id: string | null };

export async function storeDelivery(
  deps: StoreDeliveryDeps,
  delivery: InboxDelivery,
  job: InboxJob | null,
): Promise<StoredDelivery> {
  return deps.db.transaction().execute((trx) => writeDelivery(trx, deps, delivery, job));
}

/**
 * The inbox row and its job on a transaction the caller owns, so a group commit
 * (delivery-batcher.ts) can write many deliveries under one commit. Throws when a statement fails;
 * the caller rolls back.
 */
export async function writeDelivery(
  trx: Transaction<Database>,
  deps: Pick<StoreDeliveryDeps, 'queue' | 'now' | 'newId'>,
  delivery: InboxDelivery,
  job: InboxJob | null,
): Promise<StoredDelivery> {
  const id = (deps.newId ?? newSortableId)();
  const inserted = await trx
    .insertInto('inbox')
    .values(inboxValues(id, delivery, deps.now()))
    .onConflict((oc) => oc.columns(['source', 'dedupe_key']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted ? enqueueFor(trx, deps.queue, id, delivery, job) : findStored(trx, delivery);
}

/** The `inbox` row for a delivery. */
export function inboxValues(id: string, delivery: InboxDelivery, receivedAt: number): Insertable<InboxTable> {
  return {
    id,
    source: delivery.source,
    dedupe_key: delivery.dedupeKey,
    topic: delivery.topic,
    content_type: delivery.contentType,
    headers: JSON.stringify(delivery.headers),
    body: delivery.body,
    mapped: delivery.mapped === null || delivery.mapped === undefined ? null : JSON.stringify(delivery.mapped),
    status: delivery.status,
    error: null,
    reason_code: delivery.reason?.code ?? null,
    reason: delivery.reason?.message ?? null,
    received_at: receivedAt,
    processed_at: null,
  };
}

/** The answer for a delivery whose insert hit the unique key: the row that was there first. */
export async function findStored(trx: Transaction<Database>, delivery: InboxDelivery): Promise<StoredDelivery> {
  const first = await trx
    .selectFrom('inbox')
    .select('id')
    .where('source', '=', delivery.source)
    .where('dedupe_key', '=', delivery.dedupeKey)
    .executeTakeFirst();
  return { duplicate: true, id: first?.id ?? null };
}

/** The job for a freshly inserted row (none for an ignored one). */
export async function enqueueFor(
  trx: Transaction<Database>,
  queue: Queue,
  id: string,
  delivery: InboxDelivery,
  job: InboxJob | null,
): Promise<StoredDelivery> {
  if (job === null || delivery.status === 'ignored') return { duplicate: false, id, jobId: null };
  const enqueued = await queue.enqueue(
    { kind: job.kind, payload: { inboxId: id }, priority: job.priority, dedupeKey: `inbox:${id}` },
    trx,
  );
  return { duplicate: false, id, jobId: enqueued.id };
}
