/**
 * The one error base of the Accelevents boundary, with a stable `code`. It never
 * carries the API key: the request copy keeps only method and path (no headers, no query string, which
 * can hold attendee search text), and server text is scrubbed of the key before it becomes a message.
 */
import { ParleyError, type ParleyErrorOptions } from '../lib/parley-error.js';

export type AcceleventsErrorCode =
  | 'unauthorized' // 401, or app code 4010101: the key or the auth header preset is wrong
  | 'forbidden' // 403, incl. 4030201 Not Event Host and 4030101 Not Staff User (a role problem on the event)
  | 'plan_not_enabled' // 401/403 saying API access is not part of the plan
  | 'not_found' // 404, incl. 4040200 Event not found and 4060405 Barcode not exist
  | 'invalid_request' // other 4xx, or a 2xx body {type: 'Fail'}
  | 'rate_limited' // 429 (assumed; Accelevents publishes no rate limits)
  | 'server_error' // 5xx
  | 'network_error' // no answer: refused, reset, DNS
  | 'timeout' // no answer within timeoutMs
  | 'invalid_response' // a success whose body is not what the endpoint returns
  | 'invalid_call'; // our caller's input was unusable; nothing was sent

export interface AcceleventsErrorOptions extends ParleyErrorOptions {
  /** Our name for the call, e.g. 'get-event-details'. */
  operation: string;
  method: string;
  /** Path below the base URL, without query string. */
  path: string;
  status?: number | null;
  /** Accelevents' 7-digit application code (`errorCode` or `code` in the body), when present. */
  appCode?: number | null;
  retryAfterMs?: number | null;
}

export class AcceleventsError extends ParleyError<AcceleventsErrorCode> {
  override readonly name = 'AcceleventsError';
  readonly operation: string;
  readonly request: { method: string; path: string };
  /** HTTP status, or null when no answer arrived. */
  readonly status: number | null;
  readonly appCode: number | null;
  readonly retryAfterMs: number | null;
  /**
   * True when a write failed in a way that leaves its effect unknown (timeout, 5xx, reset after
   * sending). Writes have no idempotency key, so they are never retried blindly: the caller reads first.
   */
  ambiguous = false;

  constructor(code: AcceleventsErrorCode, message: string, options: AcceleventsErrorOptions) {
    super(code, message, options);
    this.operation = options.operation;
    this.request = { method: options.method, path: options.path };
    this.status = options.status ?? null;
    this.appCode = options.appCode ?? null;
    this.retryAfterMs = options.retryAfterMs ?? null;
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      operation: this.operation,
      request: this.request,
      status: this.status,
      appCode: this.appCode,
      ambiguous: this.ambiguous,
    };
  }
}
