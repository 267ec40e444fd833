/**
 * The one error base of connecting HighLevel (OAuth callback, Private Integration Token, installs).
 * `code` is stable: the callback page, the CLI and tests branch on it. Messages name the problem and
 * what to do, and never carry a token, code, state or client secret.
 */
import { ParleyError, type ParleyErrorOptions } from '../../lib/parley-error.js';

export type HighLevelConnectErrorCode =
  | 'invalid_state' // missing, unknown, already used or expired OAuth state (CSRF check)
  | 'missing_code'
  | 'consent_denied' // HighLevel sent the user back with ?error=…
  | 'exchange_failed' // the token endpoint refused or failed
  | 'missing_scope' // granted fewer scopes than the enabled features need
  | 'invalid_grant_response' // the grant lacks the location or company it is for
  | 'invalid_token' // a PIT HighLevel does not accept
  | 'wrong_location' // a PIT that cannot act for the given location
  | 'probe_failed' // the PIT probe failed for another reason (network, 5xx)
  | 'no_agency_connection' // a location token was asked for a company with no agency connection
  | 'location_token_failed'
  | 'callback_timeout';

/** Extra facts for pages and CLI output (scope names, feature names); never secrets. */
export interface HighLevelConnectErrorDetails {
  missingScopes?: string[];
  features?: Record<string, string[]>;
}

export class HighLevelConnectError extends ParleyError<HighLevelConnectErrorCode> {
  override readonly name = 'HighLevelConnectError';
  readonly details: HighLevelConnectErrorDetails;

  constructor(
    code: HighLevelConnectErrorCode,
    message: string,
    options: ParleyErrorOptions & HighLevelConnectErrorDetails = {},
  ) {
    super(code, message, options);
    const { missingScopes, features } = options;
    this.details = {
      ...(missingScopes === undefined ? {} : { missingScopes }),
      ...(features === undefined ? {} : { features }),
    };
  }
}
