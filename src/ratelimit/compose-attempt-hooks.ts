/**
 * The HighLevel client takes one `beforeAttempt` and one `afterAttempt` (client-types.ts); this
 * joins several (rate limiting, audit, metrics) into one pair. Hooks run in the order given. Every
 * `afterAttempt` runs even when an earlier one throws, so one failing observer cannot hide an
 * attempt from the others; the first error is rethrown afterwards.
 */
import type { AfterAttemptInfo, BeforeAttemptInfo } from '../highlevel/client-types.js';

export interface PartialAttemptHooks {
  beforeAttempt?: (info: BeforeAttemptInfo) => Promise<void>;
  afterAttempt?: (info: AfterAttemptInfo) => void | Promise<void>;
}

export function composeAttemptHooks(...hookSets: PartialAttemptHooks[]): {
  beforeAttempt: (info: BeforeAttemptInfo) => Promise<void>;
  afterAttempt: (info: AfterAttemptInfo) => Promise<void>;
} {
  const befores = hookSets.flatMap((set) => (set.beforeAttempt ? [set.beforeAttempt] : []));
  const afters = hookSets.flatMap((set) => (set.afterAttempt ? [set.afterAttempt] : []));
  return {
    async beforeAttempt(info) {
      for (const hook of befores) await hook(info);
    },
    async afterAttempt(info) {
      const errors: unknown[] = [];
      for (const hook of afters) {
        try {
          await hook(info);
        } catch (error) {
          errors.push(error);
        }
      }
      if (errors.length > 0) throw errors[0];
    },
  };
}
