/**
 * The one error of the HighLevel OAuth boundary (token, locationToken, installedLocations). `code` is
 * stable (OAuthErrorCode in token-client-types.ts); the token manager branches on it, never on the
 * message. Messages never carry the client secret, an authorization code or a token: they are built
 * from the operation, the status and HighLevel's own message with every secret of the request
 * scrubbed out.
 */
import type { OAuthErrorCode } from './token-client-types.js';

export type OAuthOperation = 'get-access-token' | 'get-location-access-token' | 'get-installed-location';

export interface OAuthErrorInit {
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
  cause?: unknown;
}

export class OAuthError extends Error {
  override readonly name = 'OAuthError';
  readonly operationId: OAuthOperation;
  readonly status: number | null;
  readonly traceId: string | null;
  readonly retryAfterMs: number | null;

  constructor(
    readonly code: OAuthErrorCode,
    message: string,
    init: OAuthErrorInit,
  ) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.operationId = init.operationId;
    this.status = init.status ?? null;
    this.traceId = init.traceId ?? null;
    this.retryAfterMs = init.retryAfterMs ?? null;
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
