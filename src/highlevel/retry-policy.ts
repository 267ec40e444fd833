/**
 * The single decision "retry, refresh the token, or fail" for a failed HighLevel attempt (after
 * stripe-node's `_shouldRetry`, https://github.com/stripe/stripe-node/blob/master/src/RequestSender.ts).
 * The client loop only obeys it.
 */
import { type HighLevelError, HighLevelNetworkError, HighLevelRateLimitedError } from './errors.js';

/**
 * Operations that create something and that HighLevel cannot deduplicate: unlike Stripe or Svix, its
 * API has no idempotency key (nor does its official SDK). Re-sending one after a timeout, a 5xx or a
 * connection reset may send the welcome SMS twice, because HighLevel may have acted before the
 * failure. So these are retried only when the request certainly had no effect:
 *   - 429: HighLevel refused it before doing anything;
 *   - the connection was refused or never opened (ECONNREFUSED, DNS): nothing left this machine;
 *   - 401: rejected before any work, so a token refresh and one more try are safe.
 * Otherwise they fail with `ambiguous: true`, and the durable workflow layer looks for the message
 * before resending. `create-conversation` is not here: HighLevel keeps one conversation per contact
 * and rejects a duplicate (docs/highlevel-api.md), so repeating it cannot create a second one.
 * `upsert-contact` is idempotent by email/phone.
 */
export const UNSAFE_OPERATIONS: ReadonlySet<string> = new Set([
  'send-a-new-message',
  'add-an-inbound-message',
  'add-an-outbound-message',
  'send-review-reply',
  'upload-file-attachments',
]);

export type OperationSafety = 'safe' | 'unsafe';

export function operationSafetyOf(operationId: string): OperationSafety {
  return UNSAFE_OPERATIONS.has(operationId) ? 'unsafe' : 'safe';
}

export type RetryDecision =
  | { action: 'retry'; delayMs: number }
  | { action: 'refresh' }
  | { action: 'fail'; ambiguous: boolean };

export interface RetryContext {
  /** 1-based number of the attempt that just failed. */
  attempt: number;
  maxRetries: number;
  operationSafety: OperationSafety;
  /** Uniform in [0, 1). */
  random: () => number;
  /** True once this call has already refreshed its token after a 401. */
  refreshed?: boolean;
}

/** Full-jitter exponential backoff (AWS "Exponential Backoff and Jitter"): base 500 ms like stripe-node, cap 30 s. */
export const BACKOFF_BASE_MS = 500;
export const BACKOFF_CAP_MS = 30_000;

function backoffMs(retryNumber: number, random: () => number): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (retryNumber - 1));
  return Math.floor(random() * ceiling);
}

const FAIL: RetryDecision = { action: 'fail', ambiguous: false };
const FAIL_AMBIGUOUS: RetryDecision = { action: 'fail', ambiguous: true };

export function decideRetry(error: HighLevelError, ctx: RetryContext): RetryDecision {
  // The refresh attempt is not a retry: it does not use up the retry budget.
  const retryNumber = ctx.attempt - (ctx.refreshed ? 1 : 0);
  const budgetLeft = retryNumber <= ctx.maxRetries;
  const unsafe = ctx.operationSafety === 'unsafe';

  switch (error.code) {
    case 'unauthorized':
      // One refresh per call; a second 401 means the new token is refused too (Nango/SDK: refresh once).
      return ctx.refreshed ? FAIL : { action: 'refresh' };
    case 'rate_limited': {
      if (!budgetLeft) return FAIL;
      // Wait at least the burst interval: HighLevel documents no Retry-After, so the interval is the floor.
      const retryAfterMs = error instanceof HighLevelRateLimitedError ? error.retryAfterMs : null;
      const floor = retryAfterMs ?? error.rateLimit?.intervalMs ?? 0;
      return { action: 'retry', delayMs: Math.max(floor, backoffMs(retryNumber, ctx.random)) };
    }
    case 'network_error': {
      const sent = error instanceof HighLevelNetworkError ? error.requestSent : true;
      if (unsafe && sent) return FAIL_AMBIGUOUS;
      return budgetLeft ? { action: 'retry', delayMs: backoffMs(retryNumber, ctx.random) } : FAIL;
    }
    case 'timeout':
    case 'server_error':
      if (unsafe) return FAIL_AMBIGUOUS;
      return budgetLeft ? { action: 'retry', delayMs: backoffMs(retryNumber, ctx.random) } : FAIL;
    default:
      // 400, 403, 404, 422, cancel_failed, invalid_response, invalid_call: repeating cannot help.
      return FAIL;
  }
}

/** Whether a safe operation would retry (or refresh and retry) this error on its first attempt; from the same decision. */
export function isRetryable(error: HighLevelError): boolean {
  return decideRetry(error, { attempt: 1, maxRetries: 1, operationSafety: 'safe', random: () => 0 }).action !== 'fail';
}
