/**
 * Parses HighLevel's five `X-RateLimit-*` response headers. HighLevel documents that every API
 * response carries them, with 100 requests per 10 s burst and 200,000 a day, per app per location
 * (https://marketplace.gohighlevel.com/docs/other/rate-limits). The rate scheduler is seeded and
 * corrected from these.
 */

export interface RateLimitInfo {
  /** `X-RateLimit-Max`: requests allowed per burst interval. */
  max: number | null;
  /** `X-RateLimit-Remaining`: requests left in the current burst interval. */
  remaining: number | null;
  /** `X-RateLimit-Interval-Milliseconds`: length of the burst interval. */
  intervalMs: number | null;
  /** `X-RateLimit-Limit-Daily`: requests allowed per day. */
  dailyLimit: number | null;
  /** `X-RateLimit-Daily-Remaining`: requests left today. */
  dailyRemaining: number | null;
}

/** Anything that can answer `get(name)` case-insensitively: fetch `Headers`, or a plain record via `headersFrom`. */
export interface HeaderReader {
  get(name: string): string | null;
}

/** A non-negative integer, or null for a missing or garbled value (never NaN). */
function readCount(headers: HeaderReader, name: string): number | null {
  const value = headers.get(name)?.trim();
  if (!value || !/^\d+(\.\d+)?$/.test(value)) return null;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : null;
}

export function parseRateLimitHeaders(headers: HeaderReader): RateLimitInfo {
  return {
    max: readCount(headers, 'x-ratelimit-max'),
    remaining: readCount(headers, 'x-ratelimit-remaining'),
    intervalMs: readCount(headers, 'x-ratelimit-interval-milliseconds'),
    dailyLimit: readCount(headers, 'x-ratelimit-limit-daily'),
    dailyRemaining: readCount(headers, 'x-ratelimit-daily-remaining'),
  };
}

/**
 * `Retry-After` in milliseconds, or null. HighLevel does not document sending it, but a proxy in
 * front of it may; only the delta-seconds form is read, an HTTP-date is ignored (the interval header
 * is the better floor then).
 */
export function parseRetryAfterMs(headers: HeaderReader): number | null {
  const seconds = readCount(headers, 'retry-after');
  return seconds === null ? null : Math.round(seconds * 1000);
}

/** Wraps a plain header record so it can be read like fetch `Headers`. */
export function headersFrom(record: Record<string, string | undefined>): HeaderReader {
  const lower = new Map(Object.entries(record).map(([k, v]) => [k.toLowerCase(), v]));
  return { get: (name) => lower.get(name.toLowerCase()) ?? null };
}
