/**
 * The daily-budget warning: HighLevel allows 200,000 requests per app per location per day
 * (https://marketplace.gohighlevel.com/docs/other/rate-limits); a warning once 80 % are used lets an
 * operator hear about it hours before requests start to wait. Once per location per UTC day per process.
 */
import type { Logger } from '../lib/create-logger.js';
import { available, type BucketState, DAY_MS } from './bucket-state.js';
import { type BucketKey, bucketId } from './bucket-store.js';
import type { BudgetView } from './types.js';

export interface BudgetWatchOptions {
  warnAt: number;
  logger: Logger;
  onBudgetWarning: ((budget: BudgetView) => void) | undefined;
}

export function createBudgetWatch(options: BudgetWatchOptions) {
  const { warnAt, logger, onBudgetWarning } = options;
  const warnedOnDay = new Map<string, number>();

  return {
    check(key: BucketKey, state: BucketState, now: number): void {
      if (state.dailyLimit <= 0) return;
      const used = state.dailyLimit - state.dailyRemaining;
      if (used < warnAt * state.dailyLimit) return;
      const id = bucketId(key);
      const day = Math.floor(now / DAY_MS);
      if (warnedOnDay.get(id) === day) return;
      warnedOnDay.set(id, day);
      const view: BudgetView = {
        appId: key.appId,
        locationId: key.locationId,
        max: state.max,
        remaining: available(state),
        intervalMs: state.intervalMs,
        dailyLimit: state.dailyLimit,
        dailyRemaining: state.dailyRemaining,
        pausedUntil: null,
      };
      logger.warn(
        {
          appId: key.appId,
          locationId: key.locationId,
          dailyLimit: state.dailyLimit,
          dailyRemaining: state.dailyRemaining,
        },
        `HighLevel daily request budget for this location is ${Math.round((used / state.dailyLimit) * 100)} % used`,
      );
      try {
        onBudgetWarning?.(view);
      } catch (error) {
        // A failing alert must not fail the HighLevel call that happened to cross the line.
        logger.error({ err: error, locationId: key.locationId }, 'onBudgetWarning threw');
      }
    },
  };
}
