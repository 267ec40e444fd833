/**
 * The one error base of the HighLevel boundary. Every failure of a HighLevel call is a
 * `HighLevelError` with a stable `code`; the subclasses are named for what the caller does next
 * (after stripe-node's typed errors). No error carries a token: the request copy has `authorization`
 * replaced, messages never include headers, and `toJSON()` lists only safe fields (after Octokit's
 * RequestError, https://github.com/octokit/request-error.js).
 */
import type { RateLimitInfo } from './rate-limit-headers.js';

export type HighLevelErrorCode =
  | 'network_error'
  | 'timeout'
  | 'rate_limited'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'invalid_request'
  | 'server_error'
  | 'cancel_failed'
  | 'invalid_response'
  | 'invalid_call'
  | 'unknown_operation';

/** What was sent, minus anything secret (see redactRequest). */
export interface RequestCopy {
  method: string;
  url: string;
  headers: Record<string, string>;
}

export interface HighLevelErrorInit {
  message: string;
  operationId: string;
  status?: number | null;
  traceId?: string | null;
  rateLimit?: RateLimitInfo | null;
  messages?: string[];
  request?: RequestCopy | null;
  cause?: unknown;
}

const SECRET_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);

/**
 * Replaces secret headers and drops the query string: queries can carry attendee data (search
 * `query`, unsubscription `email`), and errors end up in logs, which carry no PII beyond ids.
 */
export function redactRequest(request: RequestCopy): RequestCopy {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    headers[name.toLowerCase()] = SECRET_HEADERS.has(name.toLowerCase()) ? '[redacted]' : value;
  }
  const queryAt = request.url.indexOf('?');
  return { method: request.method, url: queryAt === -1 ? request.url : request.url.slice(0, queryAt), headers };
}

export abstract class HighLevelError extends Error {
  abstract readonly code: HighLevelErrorCode;
  readonly operationId: string;
  /** HTTP status, or null when no response arrived. */
  readonly status: number | null;
  /** HighLevel's `traceId` from the error body, for support tickets. */
  readonly traceId: string | null;
  readonly rateLimit: RateLimitInfo | null;
  /** The body's message(s); 422 bodies carry one per invalid field (UnprocessableDTO). */
  readonly messages: string[];
  readonly request: RequestCopy | null;
  /**
   * True when an operation HighLevel cannot deduplicate may or may not have taken effect (timeout,
   * 5xx, reset after sending). Set by the client from the retry decision; the workflow layer must
   * look before resending.
   */
  ambiguous = false;

  constructor(init: HighLevelErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.operationId = init.operationId;
    this.status = init.status ?? null;
    this.traceId = init.traceId ?? null;
    this.rateLimit = init.rateLimit ?? null;
    this.messages = init.messages ?? [];
    this.request = init.request ? redactRequest(init.request) : null;
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      operationId: this.operationId,
      status: this.status,
      traceId: this.traceId,
      messages: this.messages,
      rateLimit: this.rateLimit,
      ambiguous: this.ambiguous,
      request: this.request,
    };
  }
}

/** No response: DNS, refused, reset. `requestSent` is false only when the request certainly never left. */
export class HighLevelNetworkError extends HighLevelError {
  override readonly name = 'HighLevelNetworkError';
  readonly code = 'network_error' as const;
  constructor(
    init: HighLevelErrorInit,
    readonly requestSent: boolean,
    readonly causeCode: string | null,
  ) {
    super(init);
  }
}

export class HighLevelTimeoutError extends HighLevelError {
  override readonly name = 'HighLevelTimeoutError';
  readonly code = 'timeout' as const;
}

export class HighLevelRateLimitedError extends HighLevelError {
  override readonly name = 'HighLevelRateLimitedError';
  readonly code = 'rate_limited' as const;
  constructor(
    init: HighLevelErrorInit,
    readonly retryAfterMs: number | null,
  ) {
    super(init);
  }
}

export class HighLevelUnauthorizedError extends HighLevelError {
  override readonly name = 'HighLevelUnauthorizedError';
  readonly code = 'unauthorized' as const;
}

export class HighLevelForbiddenError extends HighLevelError {
  override readonly name = 'HighLevelForbiddenError';
  readonly code = 'forbidden' as const;
  constructor(
    init: HighLevelErrorInit,
    /** The scope named in the 403 message, when HighLevel names one, so the operator is told which scope to add. */
    readonly missingScope: string | null,
  ) {
    super(init);
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), missingScope: this.missingScope };
  }
}

export class HighLevelNotFoundError extends HighLevelError {
  override readonly name = 'HighLevelNotFoundError';
  readonly code = 'not_found' as const;
}

export class HighLevelInvalidRequestError extends HighLevelError {
  override readonly name = 'HighLevelInvalidRequestError';
  readonly code = 'invalid_request' as const;
}

export class HighLevelServerError extends HighLevelError {
  override readonly name = 'HighLevelServerError';
  readonly code = 'server_error' as const;
}

/** HTTP 200 whose body `status` is an error code (spec defect `cancel-schedule-200-error`). */
export class HighLevelCancelFailedError extends HighLevelError {
  override readonly name = 'HighLevelCancelFailedError';
  readonly code = 'cancel_failed' as const;
  constructor(
    init: HighLevelErrorInit,
    readonly bodyStatus: number,
  ) {
    super(init);
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), bodyStatus: this.bodyStatus };
  }
}

/** A success status with a body we cannot read as the operation promises. */
export class HighLevelInvalidResponseError extends HighLevelError {
  override readonly name = 'HighLevelInvalidResponseError';
  readonly code = 'invalid_response' as const;
}

/** The caller's input is incomplete (a required path/query parameter or body); nothing was sent. */
export class HighLevelInvalidCallError extends HighLevelError {
  override readonly name = 'HighLevelInvalidCallError';
  readonly code = 'invalid_call' as const;
  constructor(
    init: HighLevelErrorInit,
    readonly parameter: string,
    readonly place: 'path' | 'query' | 'body',
  ) {
    super(init);
  }
}

export class HighLevelUnknownOperationError extends HighLevelError {
  override readonly name = 'HighLevelUnknownOperationError';
  readonly code = 'unknown_operation' as const;
  constructor(
    init: HighLevelErrorInit,
    readonly suggestions: string[],
  ) {
    super(init);
  }
}
