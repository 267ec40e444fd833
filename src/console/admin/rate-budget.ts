/**
 * The rate budget chart's data: per location, HighLevel calls per minute from the
 * audit table (`highlevel_calls`) with their 429s and other failures, against HighLevel's ceiling.
 * HighLevel allows 100 requests per 10 s per location (600 a minute) and 200,000 a day
 * (https://marketplace.gohighlevel.com/docs/other/rate-limits); when the scheduler has seen the
 * real `X-RateLimit-*` headers they are in `rate_limit_state` and win over the documented numbers.
 * Calls without a location (OAuth token exchanges) count against no location bucket, so they are left out.
 */
import { type Kysely, sql } from 'kysely';
import { DAY_MS, HIGHLEVEL_DEFAULTS } from '../../ratelimit/bucket-state.js';
import type { Database } from '../../store/schema.js';

const MINUTE_MS = 60_000;
export const DEFAULT_RATE_WINDOW_MINUTES = 60;
export const MAX_RATE_WINDOW_MINUTES = 1440;

export interface MinuteCalls {
  /** Epoch ms of the minute's start. */
  minute: number;
  calls: number;
  /** Answers with status 429. */
  rateLimited: number;
  /** Other failures: 4xx/5xx other than 429, or no response at all. */
  errors: number;
}

export interface LocationBudget {
  locationId: string;
  limits: {
    max: number;
    intervalMs: number;
    /** `max` scaled to a minute: 600 for HighLevel's documented 100 per 10 s. */
    perMinuteCeiling: number;
    dailyLimit: number;
    /** From the last response's `X-RateLimit-Daily-Remaining`; null until one was seen. */
    dailyRemaining: number | null;
    /** `observed` when read from rate_limit_state, else HighLevel's documented defaults. */
    source: 'observed' | 'documented';
  };
  /** Every minute of the window, oldest first, zeros included. */
  perMinute: MinuteCalls[];
  totals: { calls: number; rateLimited: number; errors: number; peakPerMinute: number };
  /** Calls this location made since 00:00 UTC (HighLevel's daily budget is assumed to reset then; bucket-state.ts). */
  dailyUsed: number;
}

export interface RateBudget {
  windowStart: number;
  windowEnd: number;
  minutes: number;
  locations: LocationBudget[];
}

export async function readRateBudget(
  db: Kysely<Database>,
  options: { now: number; minutes?: number; locationId?: string },
): Promise<RateBudget> {
  const minutes = options.minutes ?? DEFAULT_RATE_WINDOW_MINUTES;
  const windowEnd = (Math.floor(options.now / MINUTE_MS) + 1) * MINUTE_MS;
  const windowStart = windowEnd - minutes * MINUTE_MS;
  const dayStart = Math.floor(options.now / DAY_MS) * DAY_MS;
  const only = options.locationId;

  const buckets = await db
    .selectFrom('highlevel_calls')
    .select([
      'location_id',
      sql<number>`at / ${sql.lit(MINUTE_MS)}`.as('minute'),
      sql<number>`count(*)`.as('calls'),
      sql<number>`sum(case when status = 429 then 1 else 0 end)`.as('rate_limited'),
      sql<number>`sum(case when status is null or (status >= 400 and status <> 429) then 1 else 0 end)`.as('errors'),
    ])
    .where('at', '>=', windowStart)
    .where('at', '<', windowEnd)
    .where('location_id', 'is not', null)
    .$if(only !== undefined, (qb) => qb.where('location_id', '=', only as string))
    .groupBy(['location_id', sql`at / ${sql.lit(MINUTE_MS)}`])
    .execute();
  const daily = await db
    .selectFrom('highlevel_calls')
    .select(['location_id', sql<number>`count(*)`.as('calls')])
    .where('at', '>=', dayStart)
    .where('location_id', 'is not', null)
    .$if(only !== undefined, (qb) => qb.where('location_id', '=', only as string))
    .groupBy('location_id')
    .execute();
  const states = await db
    .selectFrom('rate_limit_state')
    .selectAll()
    .$if(only !== undefined, (qb) => qb.where('location_id', '=', only as string))
    .orderBy('updated_at', 'desc')
    .execute();

  const locationIds = new Set<string>([
    ...buckets.map((b) => b.location_id as string),
    ...daily.map((d) => d.location_id as string),
    ...states.map((s) => s.location_id),
  ]);
  if (only !== undefined) locationIds.add(only);

  const locations = [...locationIds].sort().map((locationId): LocationBudget => {
    const perMinute: MinuteCalls[] = [];
    for (let minute = windowStart; minute < windowEnd; minute += MINUTE_MS) {
      perMinute.push({ minute, calls: 0, rateLimited: 0, errors: 0 });
    }
    for (const bucket of buckets) {
      if (bucket.location_id !== locationId) continue;
      const slot = perMinute[Math.floor((Number(bucket.minute) * MINUTE_MS - windowStart) / MINUTE_MS)];
      if (!slot) continue;
      slot.calls = Number(bucket.calls);
      slot.rateLimited = Number(bucket.rate_limited);
      slot.errors = Number(bucket.errors);
    }
    // Several app ids may share a location; the most recently updated bucket is the freshest word.
    const state = states.find((s) => s.location_id === locationId && Number(s.max) > 0);
    const max = state ? Number(state.max) : HIGHLEVEL_DEFAULTS.max;
    const intervalMs = state ? Number(state.interval_ms) : HIGHLEVEL_DEFAULTS.intervalMs;
    return {
      locationId,
      limits: {
        max,
        intervalMs,
        perMinuteCeiling: Math.floor((max * MINUTE_MS) / intervalMs),
        dailyLimit: state ? Number(state.daily_limit) : HIGHLEVEL_DEFAULTS.dailyLimit,
        dailyRemaining: state ? Number(state.daily_remaining) : null,
        source: state ? 'observed' : 'documented',
      },
      perMinute,
      totals: {
        calls: sum(perMinute, 'calls'),
        rateLimited: sum(perMinute, 'rateLimited'),
        errors: sum(perMinute, 'errors'),
        peakPerMinute: Math.max(0, ...perMinute.map((m) => m.calls)),
      },
      dailyUsed: Number(daily.find((d) => d.location_id === locationId)?.calls ?? 0),
    };
  });
  return { windowStart, windowEnd, minutes, locations };
}

function sum(minutes: MinuteCalls[], key: 'calls' | 'rateLimited' | 'errors'): number {
  return minutes.reduce((total, m) => total + m[key], 0);
}
