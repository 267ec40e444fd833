/**
 * The rate scheduler's contract: one token bucket per (app, location), seeded and corrected from
 * HighLevel's X-RateLimit-* headers (https://marketplace.gohighlevel.com/docs/other/rate-limits),
 * priority lanes, a 429 pauses that location for the interval, daily budget tracked with a warning at 80 %.
 * In Postgres mode the bucket lives in `rate_limit_state` so every process shares it.
 */
import type { RawBuilder } from 'kysely';
import type { RateLimitInfo } from '../highlevel/rate-limit-headers.js';
import type { PriorityLane } from '../lib/priority-lanes.js';
import type { InFlight, Observed, ObservedFacts, TakeOutcome } from './bucket-state.js';
import type { BucketKey, BucketStore } from './bucket-store.js';

export interface RateSlotRequest {
  appId: string;
  locationId: string;
  lane: PriorityLane;
  signal?: AbortSignal;
}

export interface RateObservation {
  appId: string;
  locationId: string;
  status: number | null;
  rateLimit: RateLimitInfo | null;
  /** A 429's Retry-After. */
  retryAfterMs?: number | null;
  /** An insert to write in the same statement as the bucket's row where the store can. */
  alongside?: RideAlongInsert;
}

/**
 * An INSERT that rides in the same PostgreSQL statement as an answer's write to its bucket row: the
 * attempt's audit row (audit-hooks.ts), one round trip fewer on every HighLevel call. `build` is written
 * as for src/store/compiled-statement.ts; `key` names it in the statement cache. Where the bucket store
 * cannot carry it (memory buckets, SQLite, no write needed), the caller writes it itself.
 */
export interface RideAlongInsert {
  key: string;
  build: (p: readonly number[]) => RawBuilder<unknown>;
  values: readonly unknown[];
}

export interface BudgetView {
  appId: string;
  locationId: string;
  max: number;
  remaining: number;
  intervalMs: number;
  dailyLimit: number;
  dailyRemaining: number;
  pausedUntil: number | null;
}

export interface RateScheduler {
  /** Resolves when a request may be sent now; higher lanes are served first when requests wait. */
  acquire(request: RateSlotRequest): Promise<void>;
  /**
   * Feeds a response's headers (or a 429) back into the bucket; `alongsideWritten` when the
   * observation's ride-along insert (RideAlongInsert) was written with it.
   */
  observe(observation: RateObservation): Promise<{ alongsideWritten: boolean }>;
  budgets(): Promise<BudgetView[]>;
}

/** A bucket store that also weighs this process's requests in flight (bucket-state.ts, `InFlight`). */
export interface PacedBucketStore extends BucketStore {
  take(key: BucketKey, now: number, inFlight?: InFlight): Promise<TakeOutcome>;
  /** `alongside` is written in the same statement as the row when the store can (then `alongsideWritten`). */
  observe(
    key: BucketKey,
    facts: ObservedFacts,
    now: number,
    inFlight?: InFlight,
    alongside?: RideAlongInsert,
  ): Promise<Observed & { alongsideWritten?: boolean }>;
}
