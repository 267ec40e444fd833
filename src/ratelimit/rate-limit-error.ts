/**
 * The rate scheduler's one error class. Its only code today is `daily_budget_exhausted`: HighLevel
 * allows 200,000 requests per app per location per day
 * (https://marketplace.gohighlevel.com/docs/other/rate-limits), and once they are spent, waiting
 * inside a job for hours would hold its lease; the caller gets `retryAt` and reschedules the work.
 */
export type RateLimitErrorCode = 'daily_budget_exhausted';

export class RateLimitError extends Error {
  override readonly name = 'RateLimitError';
  readonly code: RateLimitErrorCode;
  readonly appId: string;
  readonly locationId: string;
  /** Epoch ms from which the budget is expected back (the next UTC day). */
  readonly retryAt: number;

  constructor(code: RateLimitErrorCode, facts: { appId: string; locationId: string; retryAt: number }) {
    super(
      `HighLevel daily request budget for location ${facts.locationId} is spent; it is expected back at ${new Date(facts.retryAt).toISOString()}`,
    );
    this.code = code;
    this.appId = facts.appId;
    this.locationId = facts.locationId;
    this.retryAt = facts.retryAt;
  }
}
