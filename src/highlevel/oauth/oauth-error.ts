/**
 * The one error of the HighLevel OAuth boundary (token, locationToken, installedLocations). `code` is
 * stable (OAuthErrorCode in token-client-types.ts); the token manager branches on it, never on the
 * message. Messages never carry the client secret, an authorization code or a token: they are built
 * from the operation, the status and HighLevel's own message with every secret of the request
 * scrubbed out.
 */
import { ParleyError, type ParleyErrorOptions } from '../../lib/parley-error.js';
import type { OAuthErrorCode } from './token-client-types.js';

export type OAuthOperation = 'get-access-token' | 'get-location-access-token' | 'get-installed-location';

export interface OAuthErrorOptions extends ParleyErrorOptions {
  operationId: OAuthOperation;
  /** HTTP status, or null when no answer arrived. */
  status?: number | null;
  /**
   * HighLevel's `traceId`, when the body has one
   * (https://github.com/GoHighLevel/highlevel-api-docs/blob/main/docs/oauth/Overview.md).
   */
  traceId?: string | null;
  /** `Retry-After` in ms on a 429, when sent. */
  retryAfterMs?: number | null;
}

export class OAuthError extends ParleyError<OAuthErrorCode> {
  override readonly name = 'OAuthError';
  readonly operationId: OAuthOperation;
  readonly status: number | null;
  readonly traceId: string | null;
  readonly retryAfterMs: number | null;

  constructor(code: OAuthErrorCode, message: string, options: OAuthErrorOptions) {
    super(code, message, options);
    this.operationId = options.operationId;
    this.status = options.status ?? null;
    this.traceId = options.traceId ?? null;
    this.retryAfterMs = options.retryAfterMs ?? null;
  }

  /** True for failures worth trying again later (the token manager decides when); false for "fix something". */
  get transient(): boolean {
    return (
      this.code === 'network_error' ||
      this.code === 'timeout' ||
      this.code === 'server_error' ||
      this.code === 'rate_limited'
    );
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      operationId: this.operationId,
      status: this.status,
      traceId: this.traceId,
      retryAfterMs: this.retryAfterMs,
    };
  }
}
