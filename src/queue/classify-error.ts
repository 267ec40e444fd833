/**
 * The one place that decides whether a failed job is worth another attempt. The
 * HighLevel client has already retried what was safe to retry within the call (retry-policy.ts);
 * at job level a later attempt is a fresh start, so everything retries except what says it is
 * final: NonRetryableError (like https://docs.bullmq.io/patterns/stop-retrying-jobs), or any
 * error carrying `retryable: false`.
 */
import { NonRetryableError } from './types.js';

export interface ErrorClassification {
  retryable: boolean;
}

export type ClassifyError = (error: unknown) => ErrorClassification;

export function classifyError(error: unknown): ErrorClassification {
  if (error instanceof NonRetryableError) return { retryable: false };
  if (typeof error === 'object' && error !== null && 'retryable' in error && error.retryable === false) {
    return { retryable: false };
  }
  return { retryable: true };
}
