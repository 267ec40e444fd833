/**
 * Errors of the marketplace guard and the trigger side (subscriptions, firings): a stable code and, for
 * those a route answers, the HTTP status, as `{ error: { code, message } }`. Messages name the field
 * and what was expected, and never carry the app secret or a token.
 */
import { ParleyError, type ParleyErrorOptions } from '../lib/parley-error.js';

export type MarketplaceErrorCode =
  | 'marketplace_disabled' // 404: the `marketplace` feature is off
  | 'marketplace_secret_invalid' // 401: the x-parley-marketplace-secret header is missing or wrong
  | 'marketplace_location_not_installed' // 403: extras.locationId names no active install
  | 'invalid_subscription' // 400: the subscription body is not what HighLevel sends
  | 'invalid_firing_job' // a firing job's payload is not what the planner enqueues (never retried)
  | 'firing_failed' // the target URL refused a firing (retried unless final)
  | 'missing_dependency'; // a collaborator was not given

const STATUS: Partial<Record<MarketplaceErrorCode, number>> = {
  marketplace_disabled: 404,
  marketplace_secret_invalid: 401,
  marketplace_location_not_installed: 403,
  invalid_subscription: 400,
};

export class MarketplaceError extends ParleyError<MarketplaceErrorCode> {
  override readonly name = 'MarketplaceError';
  /** The HTTP status a route answers with; 500 for codes no route answers. */
  readonly status: number;
  /** For firing failures: whether the queue should try again. */
  readonly retryable: boolean;

  constructor(code: MarketplaceErrorCode, message: string, options: ParleyErrorOptions & { retryable?: boolean } = {}) {
    super(code, message, options);
    this.status = STATUS[code] ?? 500;
    this.retryable = options.retryable ?? false;
  }
}
