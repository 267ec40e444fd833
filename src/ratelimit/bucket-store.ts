/**
 * Where buckets live: in this process (`mode: 'local'`, memory-buckets.ts) or in the
 * `rate_limit_state` table shared by every process (`mode: 'shared'`, shared-buckets.ts).
 * Both apply the same rules from bucket-state.ts; only the shared store must make `take` atomic.
 */
import type { BucketState, Observed, ObservedFacts, TakeOutcome } from './bucket-state.js';

export interface BucketKey {
  appId: string;
  locationId: string;
}

export interface StoredBucket {
  key: BucketKey;
  state: BucketState;
}

export interface BucketStore {
  take(key: BucketKey, now: number): Promise<TakeOutcome>;
  observe(key: BucketKey, facts: ObservedFacts, now: number): Promise<Observed>;
  list(): Promise<StoredBucket[]>;
}

export function bucketId(key: BucketKey): string {
  return `${key.appId}\u0000${key.locationId}`;
}
