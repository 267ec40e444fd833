import { describe, expect, it } from 'vitest';
import { headersFrom, parseRateLimitHeaders, parseRetryAfterMs } from '../../src/highlevel/rate-limit-headers.js';

describe('parseRateLimitHeaders', () => {
  it('reads all five X-RateLimit headers case-insensitively as numbers', () => {
    const headers = new Headers({
      'X-RateLimit-Max': '100',
      'X-RateLimit-Remaining': '0',
      'X-RateLimit-Interval-Milliseconds': '10000',
      'X-RateLimit-Limit-Daily': '200000',
      'X-RateLimit-Daily-Remaining': '12',
    });
    expect(parseRateLimitHeaders(headers)).toEqual({
      max: 100,
      remaining: 0,
      intervalMs: 10000,
      dailyLimit: 200000,
      dailyRemaining: 12,
    });
  });

  it('gives null, never NaN, for a missing or garbled value', () => {
    const parsed = parseRateLimitHeaders(
      headersFrom({ 'x-ratelimit-max': 'lots', 'x-ratelimit-remaining': '-3', 'x-ratelimit-daily-remaining': '' }),
    );
    expect(parsed).toEqual({ max: null, remaining: null, intervalMs: null, dailyLimit: null, dailyRemaining: null });
  });

  it('reads Retry-After seconds', () => {
    expect(parseRetryAfterMs(headersFrom({ 'Retry-After': '3' }))).toBe(3000);
  });

  it('ignores a Retry-After HTTP date', () => {
    expect(parseRetryAfterMs(headersFrom({ 'Retry-After': 'Wed, 21 Oct 2015 07:28:00 GMT' }))).toBeNull();
  });
});
