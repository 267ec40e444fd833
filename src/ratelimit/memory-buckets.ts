/**
 * Buckets in this process's memory (`mode: 'local'`, one process on SQLite). When a
 * store is given, a bucket's state is copied to `rate_limit_state` at most every `snapshotEveryMs`
 * so the console can show budgets; the copy is for reading only, this process never reads it back.
 */
import type { Kysely } from 'kysely';
import type { Logger } from '../lib/create-logger.js';
import type { Database } from '../store/schema.js';
import { upsertBucketRow } from './bucket-rows.js';
import {
  type BucketState,
  type InFlight,
  type Observed,
  type ObservedFacts,
  observeResponse,
  type RateDefaults,
  seedBucket,
  type TakeOutcome,
  takeToken,
} from './bucket-state.js';
import { type BucketKey, bucketId, type StoredBucket } from './bucket-store.js';
import type { PacedBucketStore } from './types.js';

export interface MemoryBucketsOptions {
  defaults: RateDefaults;
  safety: number;
  db?: Kysely<Database>;
  snapshotEveryMs: number;
  logger: Logger;
}

interface Entry extends StoredBucket {
  snapshotAt: number | null;
}

export function createMemoryBuckets(options: MemoryBucketsOptions): PacedBucketStore {
  const { defaults, safety, db, snapshotEveryMs, logger } = options;
  const entries = new Map<string, Entry>();

  function entry(key: BucketKey, now: number): Entry {
    const id = bucketId(key);
    let found = entries.get(id);
    if (!found) {
      found = { key: { ...key }, state: seedBucket(defaults, now), snapshotAt: null };
      entries.set(id, found);
    }
    return found;
  }

  async function snapshot(found: Entry, now: number): Promise<void> {
    if (!db || (found.snapshotAt !== null && now - found.snapshotAt < snapshotEveryMs)) return;
    found.snapshotAt = now;
    try {
      await upsertBucketRow(db, found.key, found.state);
    } catch (error) {
      // A missed snapshot only makes the console's view older; pacing does not depend on it.
      logger.warn({ err: error, locationId: found.key.locationId }, 'rate limit snapshot not written');
    }
  }

  return {
    async take(key: BucketKey, now: number, inFlight?: InFlight): Promise<TakeOutcome> {
      const found = entry(key, now);
      const outcome = takeToken(found.state, now, safety, inFlight);
      found.state = outcome.state;
      return outcome;
    },
    async observe(key: BucketKey, facts: ObservedFacts, now: number, inFlight?: InFlight): Promise<Observed> {
      const found = entry(key, now);
      const observed = observeResponse(found.state, facts, now, defaults, inFlight);
      found.state = observed.state;
      await snapshot(found, now);
      return observed;
    },
    async list(): Promise<StoredBucket[]> {
      return [...entries.values()].map(({ key, state }) => ({ key: { ...key }, state: { ...state } as BucketState }));
    },
  };
}
