/**
 * The rate scheduler's one error class. Its only code today is `daily_budget_exhausted`: HighLevel
 * allows 200,000 requests per app per location per day
 * (https://marketplace.gohighlevel.com/docs/other/rate-limits), and once they are spent, waiting
 * inside a job for hours would hold its lease; the caller gets `retryAt` and reschedules the work.
 */
import { ParleyError, type ParleyErrorOptions } from '../lib/parley-error.js';

export type RateLimitErrorCode = 'daily_budget_exhausted';

export interface RateLimitErrorOptions extends ParleyErrorOptions {
  appId: string;
  locationId: string;
  /** Epoch ms from which the budget is expected back (the next UTC day). */
  retryAt: number;
}

export class RateLimitError extends ParleyError<RateLimitErrorCode> {
  override readonly name = 'RateLimitError';
  readonly appId: string;
  readonly locationId: string;
  /** Epoch ms from which the budget is expected back (the next UTC day). */
  readonly retryAt: number;

  constructor(code: RateLimitErrorCode, message: string, options: RateLimitErrorOptions) {
    super(code, message, options);
    this.appId = options.appId;
    this.locationId = options.locationId;
    this.retryAt = options.retryAt;
  }
}
