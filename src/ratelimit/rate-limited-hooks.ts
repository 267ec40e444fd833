/**
 * Plugs the rate scheduler into the HighLevel client (src/highlevel/client.ts): every attempt waits
 * for a slot in its lane first, and every answer (a 429 included) feeds its X-RateLimit-* headers
 * back. Calls that name no location (agency-level, OAuth) are not paced: HighLevel counts them
 * against the company, which this scheduler does not track.
 */
import type { AfterAttemptInfo, BeforeAttemptInfo } from '../highlevel/client-types.js';
import { HighLevelRateLimitedError } from '../highlevel/errors.js';
import type { RateObservationInput } from './create-rate-scheduler.js';
import type { RateScheduler } from './types.js';

export interface AttemptHooks {
  beforeAttempt: (info: BeforeAttemptInfo) => Promise<void>;
  afterAttempt: (info: AfterAttemptInfo) => Promise<void>;
}

export function rateLimitedHooks(
  scheduler: RateScheduler & { observe(observation: RateObservationInput): Promise<void> },
  options: { appId: string },
): AttemptHooks {
  if (typeof scheduler?.acquire !== 'function' || typeof scheduler.observe !== 'function') {
    throw new TypeError('rateLimitedHooks: a RateScheduler (createRateScheduler) is required');
  }
  const appId = options?.appId;
  if (typeof appId !== 'string' || appId.length === 0) {
    throw new TypeError('rateLimitedHooks: options.appId (the Marketplace app id) is required');
  }
  return {
    async beforeAttempt(info) {
      if (info.locationId === null) return;
      await scheduler.acquire({
        appId,
        locationId: info.locationId,
        lane: info.lane,
        ...(info.signal ? { signal: info.signal } : {}),
      });
    },
    async afterAttempt(info) {
      if (info.locationId === null) return;
      const retryAfterMs = info.error instanceof HighLevelRateLimitedError ? info.error.retryAfterMs : null;
      await scheduler.observe({
        appId,
        locationId: info.locationId,
        status: info.status,
        rateLimit: info.rateLimit,
        retryAfterMs,
      });
    },
  };
}
