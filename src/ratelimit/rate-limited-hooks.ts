/**
 * Plugs the rate scheduler into the HighLevel client (src/highlevel/client.ts): every attempt waits
 * for a slot in its lane first, and every answer (a 429 included) feeds its X-RateLimit-* headers
 * back. Calls that name no location (agency-level, OAuth) are not paced: HighLevel counts them
 * against the company, which this scheduler does not track. With `audit`, every attempt (paced or not)
 * also gets its audit row, in the same statement as the answer's bucket write where the store can.
 */
import type { AfterAttemptInfo, BeforeAttemptInfo } from '../highlevel/client-types.js';
import { HighLevelRateLimitedError } from '../highlevel/errors.js';
import type { AttemptAudit } from './audit-hooks.js';
import type { RateScheduler } from './types.js';

export interface AttemptHooks {
  beforeAttempt: (info: BeforeAttemptInfo) => Promise<void>;
  afterAttempt: (info: AfterAttemptInfo) => Promise<void>;
}

export function rateLimitedHooks(
  scheduler: RateScheduler,
  options: {
    appId: string;
    /** The audit trail (audit-hooks.ts): each attempt's row rides with the answer's bucket write where it can. */
    audit?: Pick<AttemptAudit, 'rowFor' | 'write'>;
  },
): AttemptHooks {
  if (typeof scheduler?.acquire !== 'function' || typeof scheduler.observe !== 'function') {
    throw new TypeError('rateLimitedHooks: a RateScheduler (createRateScheduler) is required');
  }
  const appId = options?.appId;
  const audit = options?.audit;
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
      const row = audit?.rowFor(info);
      let carried = false;
      try {
        if (info.locationId === null) return;
        const retryAfterMs = info.error instanceof HighLevelRateLimitedError ? info.error.retryAfterMs : null;
        const observed = await scheduler.observe({
          appId,
          locationId: info.locationId,
          status: info.status,
          rateLimit: info.rateLimit,
          retryAfterMs,
          ...(row ? { alongside: row } : {}),
        });
        carried = observed.alongsideWritten;
      } finally {
        // Unpaced calls, stores that cannot carry it, and a failed observe: the row is written on its own.
        if (row && !carried) await audit?.write(row);
      }
    },
  };
}
