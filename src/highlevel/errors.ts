/**
 * The one error base of the HighLevel boundary. Every failure of a HighLevel call is a
 * `HighLevelError` with a stable `code`; the subclasses are named for what the caller does next
 * (after stripe-node's typed errors). No error carries a token: the request copy has `authorization`
 * replaced, messages never include headers, and `toJSON()` lists only safe fields (after Octokit's
 * RequestError, https://github.com/octokit/request-error.js).
 */
import { ParleyError, type ParleyErrorOptions } from '../lib/parley-error.js';
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

export interface HighLevelErrorOptions extends ParleyErrorOptions {
  operationId: string;
  status?: number | null;
  traceId?: string | null;
  rateLimit?: RateLimitInfo | null;
  messages?: string[];
  request?: RequestCopy | null;
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

/**
 * Each subclass stands for one code and passes it up; `declare` narrows `code` to that literal so a
 * caller holding a subclass knows its code without a check.
 */
export abstract class HighLevelError extends ParleyError<HighLevelErrorCode> {
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

  constructor(code: HighLevelErrorCode, message: string, options: HighLevelErrorOptions) {
    super(code, message, options);
    this.operationId = options.operationId;
    this.status = options.status ?? null;
    this.traceId = options.traceId ?? null;
    this.rateLimit = options.rateLimit ?? null;
    this.messages = options.messages ?? [];
    this.request = options.request ? redactRequest(options.request) : null;
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
  declare readonly code: 'network_error';
  readonly requestSent: boolean;
  readonly causeCode: string | null;

  constructor(message: string, options: HighLevelErrorOptions & { requestSent: boolean; causeCode: string | null }) {
    super('network_error', message, options);
    this.requestSent = options.requestSent;
    this.causeCode = options.causeCode;
  }
}

export class HighLevelTimeoutError extends HighLevelError {
  override readonly name = 'HighLevelTimeoutError';
  declare readonly code: 'timeout';

  constructor(message: string, options: HighLevelErrorOptions) {
    super('timeout', message, options);
  }
}

export class HighLevelRateLimitedError extends HighLevelError {
  override readonly name = 'HighLevelRateLimitedError';
  declare readonly code: 'rate_limited';
  readonly retryAfterMs: number | null;

  constructor(message: string, options: HighLevelErrorOptions & { retryAfterMs: number | null }) {
    super('rate_limited', message, options);
    this.retryAfterMs = options.retryAfterMs;
  }
}

export class HighLevelUnauthorizedError extends HighLevelError {
  override readonly name = 'HighLevelUnauthorizedError';
  declare readonly code: 'unauthorized';

  constructor(message: string, options: HighLevelErrorOptions) {
    super('unauthorized', message, options);
  }
}

export class HighLevelForbiddenError extends HighLevelError {
  override readonly name = 'HighLevelForbiddenError';
  declare readonly code: 'forbidden';
  /** The scope named in the 403 message, when HighLevel names one, so the operator is told which scope to add. */
  readonly missingScope: string | null;

  constructor(message: string, options: HighLevelErrorOptions & { missingScope: string | null }) {
    super('forbidden', message, options);
    this.missingScope = options.missingScope;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), missingScope: this.missingScope };
  }
}

export class HighLevelNotFoundError extends HighLevelError {
  override readonly name = 'HighLevelNotFoundError';
  declare readonly code: 'not_found';

  constructor(message: string, options: HighLevelErrorOptions) {
    super('not_found', message, options);
  }
}

export class HighLevelInvalidRequestError extends HighLevelError {
  override readonly name = 'HighLevelInvalidRequestError';
  declare readonly code: 'invalid_request';

  constructor(message: string, options: HighLevelErrorOptions) {
    super('invalid_request', message, options);
  }
}

export class HighLevelServerError extends HighLevelError {
  override readonly name = 'HighLevelServerError';
  declare readonly code: 'server_error';

  constructor(message: string, options: HighLevelErrorOptions) {
    super('server_error', message, options);
  }
}

/** HTTP 200 whose body `status` is an error code (spec defect `cancel-schedule-200-error`). */
export class HighLevelCancelFailedError extends HighLevelError {
  override readonly name = 'HighLevelCancelFailedError';
  declare readonly code: 'cancel_failed';
  readonly bodyStatus: number;

  constructor(message: string, options: HighLevelErrorOptions & { bodyStatus: number }) {
    super('cancel_failed', message, options);
    this.bodyStatus = options.bodyStatus;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), bodyStatus: this.bodyStatus };
  }
}

/** A success status with a body we cannot read as the operation promises. */
export class HighLevelInvalidResponseError extends HighLevelError {
  override readonly name = 'HighLevelInvalidResponseError';
  declare readonly code: 'invalid_response';

  constructor(message: string, options: HighLevelErrorOptions) {
    super('invalid_response', message, options);
  }
}

/** The caller's input is incomplete (a required path/query parameter or body); nothing was sent. */
export class HighLevelInvalidCallError extends HighLevelError {
  override readonly name = 'HighLevelInvalidCallError';
  declare readonly code: 'invalid_call';
  readonly parameter: string;
  readonly place: 'path' | 'query' | 'body';

  constructor(
    message: string,
    options: HighLevelErrorOptions & { parameter: string; place: 'path' | 'query' | 'body' },
  ) {
    super('invalid_call', message, options);
    this.parameter = options.parameter;
    this.place = options.place;
  }
}

export class HighLevelUnknownOperationError extends HighLevelError {
  override readonly name = 'HighLevelUnknownOperationError';
  declare readonly code: 'unknown_operation';
  readonly suggestions: string[];

  constructor(message: string, options: HighLevelErrorOptions & { suggestions: string[] }) {
    super('unknown_operation', message, options);
    this.suggestions = options.suggestions;
  }
}
