/**
 * Group commit for intake. Profiling the durable-intake bench showed each delivery paying for its own
 * transaction: `begin immediate`, three statements and a commit, with the commit alone about half of
 * the database time. Deliveries that arrive while a batch is being written (or in the same turn of the
 * event loop as the first) wait and go into the next batch, written in ONE transaction; each caller's
 * promise settles only after the batch that holds its delivery committed, so the 2xx still means
 * "durable": persist, commit, then answer. No timer: a lone delivery is written at once, so batching
 * never adds latency under light load.
 *
 * Dedupe inside a batch: the first copy of a (source, dedupe key) is written; later copies in the same
 * batch answer duplicate with its id. Across batches the unique index does it.
 * One failing delivery must not fail its batch-mates, so when the batch's transaction fails (it rolled
 * back whole: nothing half-stored), every delivery in it is retried alone, each in its own transaction.
 */
import type { Kysely } from 'kysely';
import type { Logger } from '../lib/create-logger.js';
import type { Queue } from '../queue/types.js';
import type { Database } from '../store/schema.js';
import { IntakeError } from './intake-error.js';
import { type InboxDelivery, type InboxJob, type StoredDelivery, storeDelivery } from './store-delivery.js';
import { writeDeliveryBatch } from './write-delivery-batch.js';

/** 100 deliveries of ~1 KB: a short transaction, and a bounded wait for whoever arrived last. */
export const DEFAULT_MAX_BATCH = 100;

export interface DeliveryBatcherOptions {
  db: Kysely<Database>;
  queue: Queue;
  logger: Logger;
  now?: () => number;
  newId?: () => string;
  /** Most deliveries in one transaction; default 100. */
  maxBatch?: number;
  /** Where the next batch is started; default after the next I/O poll (see `afterNextPoll`). */
  schedule?: (run: () => void) => void;
}

/**
 * better-sqlite3 is synchronous, so a SQLite batch commits without ever yielding to I/O: a batch
 * started in the same turn as its first delivery would hold only the requests parsed in that one poll
 * phase. Two `setImmediate`s let one more poll phase's arrivals join. When idle this costs one loop
 * turn, not a timer: a pending immediate keeps the poll phase from blocking (Node's event-loop docs,
 * "poll" phase), so a lone delivery is still written at once.
 */
export function afterNextPoll(run: () => void): void {
  setImmediate(() => setImmediate(run));
}

export interface DeliveryBatcher {
  /** Settles once the delivery is committed (or found already stored); rejects if it could not be stored. */
  store(delivery: InboxDelivery, job: InboxJob | null): Promise<StoredDelivery>;
}

interface Pending {
  delivery: InboxDelivery;
  job: InboxJob | null;
  resolve: (stored: StoredDelivery) => void;
  reject: (error: unknown) => void;
}

export function createDeliveryBatcher(options: DeliveryBatcherOptions): DeliveryBatcher {
  for (const name of ['db', 'queue', 'logger'] as const) {
    if (!options?.[name]) throw new IntakeError('missing_dependency', `createDeliveryBatcher: ${name} is required`);
  }
  const maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH;
  if (!Number.isInteger(maxBatch) || maxBatch < 1) {
    throw new IntakeError(
      'invalid_option',
      `createDeliveryBatcher: maxBatch must be a positive integer; got ${maxBatch}`,
    );
  }
  const { db, logger } = options;
  const deps = { db, queue: options.queue, now: options.now ?? Date.now, newId: options.newId };
  const schedule = options.schedule ?? afterNextPoll;
  const waiting: Pending[] = [];
  let busy = false;

  function kick(): void {
    if (busy) return;
    busy = true;
    schedule(() => void drain());
  }

  async function drain(): Promise<void> {
    try {
      while (waiting.length > 0) await commitBatch(waiting.splice(0, maxBatch));
    } finally {
      busy = false;
    }
  }

  async function commitBatch(batch: Pending[]): Promise<void> {
    // Key → index in `leaders`, the first copy of each delivery.
    const firsts = new Map<string, number>();
    const leaders: Pending[] = [];
    const copies: [Pending, number][] = [];
    for (const item of batch) {
      const key = `${item.delivery.source}\u0000${item.delivery.dedupeKey}`;
      const first = firsts.get(key);
      if (first !== undefined) copies.push([item, first]);
      else firsts.set(key, leaders.push(item) - 1);
    }
    let results: StoredDelivery[];
    try {
      results = await db.transaction().execute((trx) => writeDeliveryBatch(trx, deps, leaders));
    } catch (error) {
      logger.warn({ err: error, size: batch.length }, 'Intake batch failed; storing its deliveries one by one');
      await oneByOne(batch);
      return;
    }
    logger.debug({ size: batch.length, written: leaders.length }, 'Intake batch committed');
    for (const [index, item] of leaders.entries()) item.resolve(results[index] as StoredDelivery);
    for (const [copy, first] of copies) {
      const stored = results[first] as StoredDelivery;
      copy.resolve({ duplicate: true, id: stored.id });
    }
  }

  /** In arrival order, so of two copies the first is stored and the second finds it (unique key). */
  async function oneByOne(batch: Pending[]): Promise<void> {
    for (const item of batch) {
      try {
        item.resolve(await storeDelivery(deps, item.delivery, item.job));
      } catch (error) {
        item.reject(error);
      }
    }
  }

  return {
    store(delivery, job) {
      return new Promise<StoredDelivery>((resolve, reject) => {
        waiting.push({ delivery, job, resolve, reject });
        kick();
      });
    },
  };
}
