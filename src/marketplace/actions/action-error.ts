/**
 * Errors of the marketplace action, options and fields routes: a stable code and the HTTP status it
 * answers with, as `{ error: { code, message } }` (the shape the marketplace guard answers with too).
 */
import { ParleyError, type ParleyErrorOptions } from '../../lib/parley-error.js';

export type MarketplaceActionErrorCode =
  | 'invalid_action_request' // 400: the body, a field of `data` or a query parameter is not what the action takes
  | 'unknown_action' // 404: no action with that key
  | 'unknown_options'; // 404: no option list with that name

const STATUS: Record<MarketplaceActionErrorCode, number> = {
  invalid_action_request: 400,
  unknown_action: 404,
  unknown_options: 404,
};

export class MarketplaceActionError extends ParleyError<MarketplaceActionErrorCode> {
  override readonly name = 'MarketplaceActionError';
  readonly status: number;

  constructor(code: MarketplaceActionErrorCode, message: string, options: ParleyErrorOptions = {}) {
    super(code, message, options);
    this.status = STATUS[code];
  }
}
