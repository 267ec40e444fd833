/**
 * The rate scheduler: paces every HighLevel call per
 * (app, location) from the X-RateLimit-* headers so a 429 stays the exception, serves waiting
 * requests by priority lane, pauses a location after a 429, and watches the daily budget.
 *
 * One pump per location takes tokens for its queue of waiters: it grants while the bucket has
 * tokens and otherwise sleeps until the window is due to end (or, in shared mode, at most `pollMs`,
 * because another process may change the row). A response seen by `observe` wakes the pump.
 *
 * Each location also keeps the grant times of its requests not yet answered (`inFlight`), which feed
 * the tail guard and the hold-back of bucket-state.ts. Answers are not matched to grants (the hooks
 * only see a location), so for the hold-back an answer retires the newest grant: what is left is then
 * always at least as old as what is really in flight, which errs on the side of holding back. The
 * margin is the largest of the last LATENESS_SAMPLES grant → answer times with answers matched to
 * grants in order (the k-th answer to the k-th grant). "Now minus the oldest grant still counted" would
 * be an upper bound, but under a steady backlog the oldest grant counted stays the window's first,
 * so the margin would sit at its cap whatever the real latency; in-order matching follows the real
 * latency and its largest sample is still the slowest call whenever grants come in bursts.
 * In shared mode the hold-back reads every process's calls from the row instead (shared-buckets.ts);
 * this process tells it which window the grant it retires was counted in.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { type Logger, silentLogger } from '../lib/create-logger.js';
import { PRIORITY } from '../lib/priority-lanes.js';
import type { Store } from '../store/open-database.js';
import {
  available,
  type BucketState,
  HIGHLEVEL_DEFAULTS,
  type InFlight,
  nextDayStart,
  type RateDefaults,
} from './bucket-state.js';
import { type BucketKey, bucketId } from './bucket-store.js';
import { createBudgetWatch } from './budget-watch.js';
import { createLaneQueue, type LaneQueue } from './lane-queue.js';
import { createMemoryBuckets } from './memory-buckets.js';
import { RateLimitError } from './rate-limit-error.js';
import { createSharedBuckets } from './shared-buckets.js';
import type { BudgetView, PacedBucketStore, RateObservation, RateScheduler, RateSlotRequest } from './types.js';

export interface RateSchedulerOptions {
  /** `'local'`: buckets in memory (one process). `'shared'`: buckets in `rate_limit_state` (several processes). */
  mode: 'local' | 'shared';
  /** Required in shared mode; in local mode, optional and only used for console snapshots. */
  store?: Pick<Store, 'db' | 'dialect'>;
  now?: () => number;
  /** Must reject when `signal` aborts: the scheduler aborts its own sleeps to wake early. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  logger?: Logger;
  /** Assumed until a response says otherwise; default HighLevel's 100 per 10 s and 200,000 a day. */
  defaults?: Partial<RateDefaults>;
  /** Tokens left unused in each window for requests still in flight. Default 1 (never the last token). */
  safety?: number;
  /** Called (and a warning logged) once per location per UTC day when daily use passes `warnAt`. */
  onBudgetWarning?: (budget: BudgetView) => void;
  /** Share of the daily limit that triggers the warning. Default 0.8. */
  warnAt?: number;
  /**
   * When the daily budget is spent: `'reject'` (default) fails waiting requests with
   * `RateLimitError('daily_budget_exhausted')` and its `retryAt`, so a job is rescheduled instead of
   * holding its lease for hours; `'wait'` waits for the next day.
   */
  whenDailyBudgetSpent?: 'reject' | 'wait';
  /** Shared mode: longest sleep between looks at the row. Default 50 ms. */
  pollMs?: number;
  /** Local mode with a store: least time between two snapshots of a bucket. Default 5 000 ms. */
  snapshotEveryMs?: number;
}

const DAILY_POLL_MS = 60_000;
/** Answers the margin is the largest of: enough to span a window's burst, few enough to forget a slow spell. */
const LATENESS_SAMPLES = 64;
/**
 * A grant with no answer after this long is forgotten: the client gives up on an attempt after 30 s
 * (src/highlevel/client-types.ts, `timeoutMs`), and a grant whose call failed before it was sent
 * (no token) is never answered at all.
 */
const FORGET_GRANT_MS = 60_000;

interface Location {
  key: BucketKey;
  waiters: LaneQueue;
  pumping: boolean;
  wake: AbortController | null;
  pausedUntil: number | null;
  /** Grant times of requests not yet answered, oldest first; an answer retires the newest. */
  granted: number[];
  /** For each of `granted`, the shared row's window it was granted in (`CallsInFlight.openedAt`). */
  grantedIn: number[];
  /** The same grant times, but an answer retires the oldest: the lateness samples' side. */
  inOrder: number[];
  /** Recent upper bounds on grant → answer times, a ring of LATENESS_SAMPLES. */
  lateness: number[];
  latenessAt: number;
  /** When the window this process last saw unconfirmed was opened, and that window's interval. */
  opened: { at: number; intervalMs: number } | null;
  inFlight: InFlight;
}

/** Remembers a window's opening time before its first answer moves `windowStartedAt` forward. */
function noteOpening(location: Location, state: BucketState): void {
  if (state.confirmed === false) location.opened = { at: state.windowStartedAt, intervalMs: state.intervalMs };
}

function forgetFrom(grants: number[], now: number): void {
  let stale = 0;
  while (stale < grants.length && (grants[stale] ?? now) <= now - FORGET_GRANT_MS) stale++;
  if (stale > 0) grants.splice(0, stale);
}

function forgetOld(location: Location, now: number): void {
  const before = location.granted.length;
  forgetFrom(location.granted, now);
  location.grantedIn.splice(0, before - location.granted.length);
  forgetFrom(location.inOrder, now);
}

/**
 * Called once per answer (or lost attempt): a sample of lateness, then the newest grant is retired.
 * Returns the shared window that grant was counted in, or null when no grant is left to retire.
 */
function retireGrant(location: Location, now: number): number | null {
  forgetOld(location, now);
  const matched = location.inOrder.shift();
  if (matched !== undefined) {
    location.lateness[location.latenessAt] = Math.max(0, now - matched);
    location.latenessAt = (location.latenessAt + 1) % LATENESS_SAMPLES;
  }
  location.granted.pop();
  return location.grantedIn.pop() ?? null;
}

function inFlightOf(location: Location): InFlight {
  return {
    grantedBefore(t) {
      // A confirmed window starts at its first answer; calls granted since it was opened (the opener,
      // calls released after the hold) belong to it, not to the window before.
      const opened = location.opened;
      const from = opened && opened.at <= t && t - opened.at < opened.intervalMs ? opened.at : t;
      // `granted` is sorted: a binary search would do, but it rarely holds more than one window's burst.
      let count = 0;
      for (const at of location.granted) {
        if (at >= from) break;
        count++;
      }
      return count;
    },
    get marginMs() {
      let max = 0;
      for (const sample of location.lateness) if (sample > max) max = sample;
      return max;
    },
  };
}

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) {
    throw new TypeError(`createRateScheduler: ${name} must be a number >= 0, got ${value}`);
  }
  return value;
}

function checkKey(method: string, input: { appId?: unknown; locationId?: unknown }): void {
  for (const field of ['appId', 'locationId'] as const) {
    const value = input?.[field];
    if (typeof value !== 'string' || value.length === 0) {
      throw new TypeError(`RateScheduler.${method}: ${field} must be a non-empty string, got ${JSON.stringify(value)}`);
    }
  }
}

export function createRateScheduler(options: RateSchedulerOptions): RateScheduler {
  const mode = options?.mode;
  if (mode !== 'local' && mode !== 'shared') {
    throw new TypeError(`createRateScheduler: mode must be 'local' or 'shared', got ${JSON.stringify(mode)}`);
  }
  if (mode === 'shared' && !options.store?.db) {
    throw new TypeError(
      "createRateScheduler: mode 'shared' needs options.store (the PostgreSQL store every process opens)",
    );
  }
  const defaults: RateDefaults = { ...HIGHLEVEL_DEFAULTS, ...options.defaults };
  for (const [name, value] of Object.entries(defaults)) {
    if (!Number.isInteger(value) || value < 1) {
      throw new TypeError(`createRateScheduler: defaults.${name} must be a whole number >= 1, got ${value}`);
    }
  }
  const safety = nonNegative('safety', options.safety, 1);
  const pollMs = nonNegative('pollMs', options.pollMs, 50);
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number, signal?: AbortSignal) => delay(ms, undefined, { signal }));
  const logger = options.logger ?? silentLogger();
  const rejectWhenSpent = (options.whenDailyBudgetSpent ?? 'reject') === 'reject';

  const buckets: PacedBucketStore =
    mode === 'shared' && options.store
      ? createSharedBuckets({ db: options.store.db, dialect: options.store.dialect, defaults, safety })
      : createMemoryBuckets({
          defaults,
          safety,
          db: options.store?.db,
          snapshotEveryMs: nonNegative('snapshotEveryMs', options.snapshotEveryMs, 5_000),
          logger,
        });
  const budget = createBudgetWatch({
    warnAt: nonNegative('warnAt', options.warnAt, 0.8),
    logger,
    onBudgetWarning: options.onBudgetWarning,
  });
  const locations = new Map<string, Location>();

  function locationFor(key: BucketKey): Location {
    const id = bucketId(key);
    let found = locations.get(id);
    if (!found) {
      found = {
        key: { ...key },
        waiters: createLaneQueue(),
        pumping: false,
        wake: null,
        pausedUntil: null,
        granted: [],
        grantedIn: [],
        inOrder: [],
        lateness: [],
        latenessAt: 0,
        opened: null,
        inFlight: { grantedBefore: () => 0, marginMs: 0 },
      };
      found.inFlight = inFlightOf(found);
      locations.set(id, found);
    }
    return found;
  }

  async function rest(location: Location, ms: number): Promise<void> {
    const wake = new AbortController();
    location.wake = wake;
    try {
      await sleep(ms, wake.signal);
    } catch {
      // Woken early by observe(); the loop looks at the bucket again.
    } finally {
      location.wake = null;
    }
  }

  async function pump(location: Location): Promise<void> {
    location.pumping = true;
    try {
      while (location.waiters.size > 0) {
        const t = now();
        forgetOld(location, t);
        const outcome = await buckets.take(location.key, t, location.inFlight);
        noteOpening(location, outcome.state);
        budget.check(location.key, outcome.state, t);
        if (outcome.ok) {
          // A waiter that aborted meanwhile leaves its token unused, and no answer will retire it (in
          // shared mode its count in the row ages out with its window: bucket-state.ts, STRAY_LEASE_MS).
          if (location.waiters.grantNext()) {
            location.granted.push(t);
            location.grantedIn.push(outcome.state.calls?.openedAt ?? 0);
            location.inOrder.push(t);
          }
          continue;
        }
        if (outcome.reason === 'daily' && rejectWhenSpent) {
          const retryAt = nextDayStart(t);
          location.waiters.rejectAll(
            new RateLimitError(
              'daily_budget_exhausted',
              `HighLevel daily request budget for location ${location.key.locationId} is spent; it is expected back at ${new Date(retryAt).toISOString()}`,
              { ...location.key, retryAt },
            ),
          );
          break;
        }
        // Another process may change a shared row at any time; a spent day is not worth polling for.
        const cap = mode === 'local' ? outcome.waitMs : outcome.reason === 'daily' ? DAILY_POLL_MS : pollMs;
        await rest(location, Math.min(outcome.waitMs, cap));
      }
    } catch (error) {
      // The store failed (database down): every waiter learns it now rather than hanging.
      location.waiters.rejectAll(error);
    } finally {
      location.pumping = false;
    }
  }

  return {
    async acquire(request: RateSlotRequest): Promise<void> {
      checkKey('acquire', request);
      if (!(request.lane in PRIORITY)) {
        throw new TypeError(
          `RateScheduler.acquire: lane must be one of ${Object.keys(PRIORITY).join(', ')}, got ${JSON.stringify(request.lane)}`,
        );
      }
      request.signal?.throwIfAborted();
      const location = locationFor(request);
      const granted = location.waiters.wait(request.lane, request.signal);
      if (!location.pumping) void pump(location);
      return granted;
    },

    async observe(observation: RateObservation): Promise<{ alongsideWritten: boolean }> {
      checkKey('observe', observation);
      const t = now();
      const location = locationFor(observation);
      const facts = {
        status: observation.status,
        rateLimit: observation.rateLimit,
        retryAfterMs: observation.retryAfterMs ?? null,
      };
      const retiring = retireGrant(location, t);
      const { inFlight } = location;
      const observed = await buckets.observe(
        location.key,
        facts,
        t,
        { grantedBefore: inFlight.grantedBefore, marginMs: inFlight.marginMs, retiring },
        observation.alongside,
      );
      if (observed.pausedUntil !== null) {
        location.pausedUntil = Math.max(location.pausedUntil ?? 0, observed.pausedUntil);
        logger.warn(
          { appId: observation.appId, locationId: observation.locationId, pauseMs: observed.pausedUntil - t },
          'HighLevel answered 429; pausing this location',
        );
      }
      budget.check(location.key, observed.state, t);
      location.wake?.abort();
      return { alongsideWritten: observed.alongsideWritten === true };
    },

    async budgets(): Promise<BudgetView[]> {
      const t = now();
      return (await buckets.list()).map(({ key, state }) => {
        const pausedUntil = locations.get(bucketId(key))?.pausedUntil ?? null;
        const windowOver = t >= state.windowStartedAt + state.intervalMs;
        return {
          ...key,
          max: state.max,
          remaining: windowOver ? state.max : available(state),
          intervalMs: state.intervalMs,
          dailyLimit: state.dailyLimit,
          dailyRemaining: state.dailyRemaining,
          pausedUntil: pausedUntil !== null && pausedUntil > t ? pausedUntil : null,
        };
      });
    },
  };
}
