/**
 * HighLevel's API rate limits, emulated (https://marketplace.gohighlevel.com/docs/other/rate-limits):
 * per Marketplace app per resource (location or company), a burst of `burstLimit` requests per
 * `burstIntervalMs` (100 per 10 s) and `dailyLimit` requests per day (200,000). Both are fixed
 * windows: the burst window opens with the first request after the previous one closed, the daily
 * window is the UTC calendar day.
 *
 * Every API response carries the five X-RateLimit-* headers, as the rate-limits page says.
 * HighLevel documents neither the 429 status nor a Retry-After header; the sandbox answers 429 and
 * ADDS `Retry-After` (seconds, rounded up) so clients that honour it behave well. A rejected request
 * consumes no budget.
 */

export interface RateLimits {
  burstLimit: number;
  burstIntervalMs: number;
  dailyLimit: number;
}

export type RateLimitHeaders = Record<string, string>;

export type RateDecision =
  | { allowed: true; headers: RateLimitHeaders }
  | { allowed: false; headers: RateLimitHeaders; retryAfterSeconds: number };

export interface RateLimiter {
  /** Counts one request against `key` unless a limit is spent. */
  consume(key: string): RateDecision;
  /** The headers for `key` without counting a request (for 403s). */
  peek(key: string): RateLimitHeaders;
  /** The configured maxima, for requests that are not attributable to any resource (401, 404 without a token). */
  maxima(): RateLimitHeaders;
}

interface Windows {
  burstStart: number;
  burstCount: number;
  day: number;
  dayCount: number;
}

const DAY_MS = 86_400_000;

export function createRateLimiter(options: { now: () => number; limits: () => RateLimits }): RateLimiter {
  const { now, limits } = options;
  const windows = new Map<string, Windows>();

  /** The key's windows as of now, with expired windows reset. */
  function current(key: string): Windows {
    const t = now();
    const { burstIntervalMs } = limits();
    const day = Math.floor(t / DAY_MS);
    const w = windows.get(key);
    if (!w) return { burstStart: t, burstCount: 0, day, dayCount: 0 };
    const burstOpen = t < w.burstStart + burstIntervalMs;
    return {
      burstStart: burstOpen ? w.burstStart : t,
      burstCount: burstOpen ? w.burstCount : 0,
      day,
      dayCount: w.day === day ? w.dayCount : 0,
    };
  }

  function headers(w: Windows | null): RateLimitHeaders {
    const l = limits();
    return {
      'X-RateLimit-Limit-Daily': String(l.dailyLimit),
      'X-RateLimit-Daily-Remaining': String(Math.max(0, l.dailyLimit - (w?.dayCount ?? 0))),
      'X-RateLimit-Interval-Milliseconds': String(l.burstIntervalMs),
      'X-RateLimit-Max': String(l.burstLimit),
      'X-RateLimit-Remaining': String(Math.max(0, l.burstLimit - (w?.burstCount ?? 0))),
    };
  }

  return {
    consume(key) {
      const w = current(key);
      const l = limits();
      const t = now();
      const waits: number[] = [];
      if (w.burstCount >= l.burstLimit) waits.push(w.burstStart + l.burstIntervalMs - t);
      if (w.dayCount >= l.dailyLimit) waits.push((w.day + 1) * DAY_MS - t);
      if (waits.length > 0) {
        windows.set(key, w);
        return {
          allowed: false,
          headers: headers(w),
          retryAfterSeconds: Math.max(1, Math.ceil(Math.max(...waits) / 1000)),
        };
      }
      w.burstCount += 1;
      w.dayCount += 1;
      windows.set(key, w);
      return { allowed: true, headers: headers(w) };
    },
    peek: (key) => headers(current(key)),
    maxima: () => headers(null),
  };
}
