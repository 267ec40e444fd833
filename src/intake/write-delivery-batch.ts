/**
 * A group commit's writes (delivery-batcher.ts): every inbox row of the batch in ONE multi-row
 * `INSERT … ON CONFLICT DO NOTHING RETURNING id`, then the new rows' jobs in one `enqueueMany`, all on the
 * caller's transaction. The profile of the durable-intake bench showed per-statement cost (Kysely's
 * compile and better-sqlite3's prepare, paid per query) beside the commit, so one statement replaces
 * one per delivery. 100 rows × 12 columns is 1,200 parameters, far below SQLite's 32,766
 * (https://www.sqlite.org/limits.html §9) and PostgreSQL's 65,535.
 * The deliveries must have distinct (source, dedupe key): the batcher collapses copies first.
 */
import { CompiledQuery, type Insertable, type Transaction } from 'kysely';
import type { Database, InboxTable } from '../store/schema.js';
import { newSortableId } from '../store/sortable-id.js';
import {
  findStored,
  type InboxDelivery,
  type InboxJob,
  inboxValues,
  type StoreDeliveryDeps,
  type StoredDelivery,
} from './store-delivery.js';

export interface BatchItem {
  delivery: InboxDelivery;
  job: InboxJob | null;
}

/** One answer per item, in order. Throws when a statement fails; the caller rolls back. */
export async function writeDeliveryBatch(
  trx: Transaction<Database>,
  deps: Pick<StoreDeliveryDeps, 'queue' | 'now' | 'newId'>,
  items: readonly BatchItem[],
): Promise<StoredDelivery[]> {
  if (items.length === 0) return [];
  const newId = deps.newId ?? newSortableId;
  const at = deps.now();
  const ids = items.map(() => newId());
  const rows = items.map((item, index) => inboxValues(ids[index] as string, item.delivery, at));
  const inserted = await insertInboxRows(trx, rows);
  const fresh = new Set(inserted.map((row) => row.id));
  // Every new row's job in one more multi-row statement, in arrival order.
  const wanted = items.flatMap((item, index) => {
    const id = ids[index] as string;
    const { job, delivery } = item;
    return fresh.has(id) && job !== null && delivery.status !== 'ignored' ? [{ id, job }] : [];
  });
  const jobs = await deps.queue.enqueueMany(
    wanted.map(({ id, job }) => ({
      kind: job.kind,
      payload: { inboxId: id },
      priority: job.priority,
      dedupeKey: `inbox:${id}`,
    })),
    trx,
  );
  const jobIdByRow = new Map(wanted.map(({ id }, index) => [id, jobs[index]?.id ?? null]));
  const results: StoredDelivery[] = [];
  for (const [index, item] of items.entries()) {
    const id = ids[index] as string;
    results.push(
      fresh.has(id)
        ? { duplicate: false, id, jobId: jobIdByRow.get(id) ?? null }
        : await findStored(trx, item.delivery),
    );
  }
  return results;
}

/**
 * The SQL of the batch's inbox insert, by dialect (its adapter, one per Kysely instance) and row count.
 * A later profile of the same bench showed Kysely building and compiling this statement (a node per
 * value, 14 per row) as the largest part of the intake's own JavaScript; its text depends only on the
 * row count, so it is compiled once per count and run again with the new rows' values.
 */
const inboxInsertSql = new WeakMap<object, Map<number, string>>();

async function insertInboxRows(
  trx: Transaction<Database>,
  rows: readonly Insertable<InboxTable>[],
): Promise<{ id: string }[]> {
  const adapter = trx.getExecutor().adapter;
  let bySize = inboxInsertSql.get(adapter);
  if (bySize === undefined) {
    bySize = new Map();
    inboxInsertSql.set(adapter, bySize);
  }
  const parameters = rows.flatMap((row) => Object.values(row));
  const known = bySize.get(rows.length);
  if (known !== undefined) {
    return (await trx.executeQuery<{ id: string }>(CompiledQuery.raw(known, parameters))).rows;
  }
  const compiled = trx
    .insertInto('inbox')
    .values([...rows])
    .onConflict((oc) => oc.columns(['source', 'dedupe_key']).doNothing())
    .returning('id')
    .compile();
  // Kept only when Kysely's parameters are the rows' values in order, which is what the reuse sends.
  if (sameValues(compiled.parameters, parameters)) bySize.set(rows.length, compiled.sql);
  return (await trx.executeQuery(compiled)).rows;
}

function sameValues(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((value, index) => Object.is(value, b[index]));
}
