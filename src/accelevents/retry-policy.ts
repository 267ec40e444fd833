/**
 * The single decision "retry or fail" for a failed Accelevents attempt. Only reads are retried. A
 * write (check-in, holder-data update) has no documented idempotency key, so after a timeout, 5xx or
 * reset it may already have happened: it fails with `ambiguous`, and
 * the caller reads the record before deciding to write again.
 */
import type { AcceleventsError } from './accelevents-error.js';

export type CallAccess = 'read' | 'write';

export type RetryDecision = { action: 'retry'; delayMs: number } | { action: 'fail'; ambiguous: boolean };

export interface RetryContext {
  /** 1-based number of the attempt that just failed. */
  attempt: number;
  maxRetries: number;
  access: CallAccess;
  /** Uniform in [0, 1). */
  random: () => number;
  /** For network errors: false only when the request certainly never left (connection refused, DNS). */
  requestSent: boolean;
}

/** Full-jitter exponential backoff (no published limits, so back off on 429/5xx), 500 ms base, 30 s cap. */
export const BACKOFF_BASE_MS = 500;
export const BACKOFF_CAP_MS = 30_000;
/** A Retry-After longer than this is not waited for: the caller is better told now. */
export const MAX_RETRY_AFTER_MS = 60_000;

function backoffMs(attempt: number, random: () => number): number {
  return Math.floor(random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1)));
}

export function decideRetry(error: AcceleventsError, ctx: RetryContext): RetryDecision {
  const transient =
    error.code === 'network_error' ||
    error.code === 'timeout' ||
    error.code === 'server_error' ||
    error.code === 'rate_limited';
  if (!transient) return { action: 'fail', ambiguous: false };
  if (ctx.access === 'write') {
    // A 429 was refused before any work, and a refused connection never arrived: neither took effect.
    const certainlyNoEffect = error.code === 'rate_limited' || (error.code === 'network_error' && !ctx.requestSent);
    return { action: 'fail', ambiguous: !certainlyNoEffect };
  }
  if (ctx.attempt > ctx.maxRetries) return { action: 'fail', ambiguous: false };
  const delayMs = backoffMs(ctx.attempt, ctx.random);
  if (error.code === 'rate_limited' && error.retryAfterMs !== null) {
    if (error.retryAfterMs > MAX_RETRY_AFTER_MS) return { action: 'fail', ambiguous: false };
    return { action: 'retry', delayMs: Math.max(error.retryAfterMs, delayMs) };
  }
  return { action: 'retry', delayMs };
}
