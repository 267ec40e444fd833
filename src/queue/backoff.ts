/**
 * Retry delay: exponential, capped, with full jitter. `min(cap, base·2^(attempt-1))` is BullMQ's
 * exponential strategy (https://docs.bullmq.io/guide/retrying-failing-jobs); full jitter (a uniform
 * draw in [0, ceiling)) spreads a burst of failures (say, a HighLevel outage that failed 500 welcomes
 * at once) over the whole window instead of retrying them in lockstep.
 */
import { QueueError } from './queue-error.js';

export interface BackoffOptions {
  /** Delay ceiling of the first retry, ms. Default 1 s. */
  baseMs?: number;
  /** No retry waits longer than this, ms. Default 5 min. */
  capMs?: number;
}

export const DEFAULT_BACKOFF = { baseMs: 1_000, capMs: 5 * 60_000 } as const;

export interface Backoff {
  /** Delay before the next run of a job that has failed `attempts` times (attempts ≥ 1). */
  delayMs(attempts: number): number;
}

/** `random` returns a number in [0, 1), like Math.random. */
export function createBackoff(options: BackoffOptions = {}, random: () => number = Math.random): Backoff {
  const baseMs = options.baseMs ?? DEFAULT_BACKOFF.baseMs;
  const capMs = options.capMs ?? DEFAULT_BACKOFF.capMs;
  if (!Number.isFinite(baseMs) || baseMs < 0) {
    throw new QueueError('invalid_argument', `backoff.baseMs must be a number ≥ 0; got ${String(baseMs)}`);
  }
  if (!Number.isFinite(capMs) || capMs < baseMs) {
    throw new QueueError(
      'invalid_argument',
      `backoff.capMs must be a number ≥ baseMs (${baseMs}); got ${String(capMs)}`,
    );
  }
  return {
    delayMs(attempts) {
      // Past 2^40 the product exceeds any sane cap; clamping the exponent keeps it finite.
      const exponent = Math.min(Math.max(attempts, 1) - 1, 40);
      const ceiling = Math.min(capMs, baseMs * 2 ** exponent);
      return Math.floor(ceiling * random());
    },
  };
}
