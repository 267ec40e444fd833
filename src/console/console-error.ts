/**
 * The one error base of the console boundary (REST API and pages). Each code has one HTTP status, so
 * a client can branch on `error` in the JSON body: `{ error, message, field? }`.
 */
import { ParleyError, type ParleyErrorOptions } from '../lib/parley-error.js';

export type ConsoleErrorCode =
  | 'invalid_request' // 400: a parameter or body field is wrong; `field` names it
  | 'not_found' // 404: no such conversation/message, or the caller may not see it
  | 'forbidden' // 403: the caller's role may not do this to this conversation (a sponsor outside their channel)
  | 'no_location' // 409: nothing says which HighLevel location to act for
  | 'conflict' // 409: the target's state refuses it (a read-only workflow, a name taken, a test first)
  | 'upstream_failed'; // 502: HighLevel refused or failed; `upstream` carries its code and status

export const CONSOLE_ERROR_STATUS: Readonly<Record<ConsoleErrorCode, number>> = {
  invalid_request: 400,
  not_found: 404,
  forbidden: 403,
  no_location: 409,
  conflict: 409,
  upstream_failed: 502,
};

/** What the JSON body carries beside `error` and `message`. */
export interface ConsoleErrorDetails {
  field?: string;
  upstream?: Record<string, unknown>;
  /** Every problem of a workflow definition, each with its key path (src/workflows/check-definition.ts). */
  issues?: readonly { path: string; message: string }[];
  /** A stable reason beside the code (e.g. `test_required`), for a client to branch on. */
  reason?: string;
}

export class ConsoleError extends ParleyError<ConsoleErrorCode> {
  override readonly name = 'ConsoleError';
  readonly details: ConsoleErrorDetails;

  constructor(code: ConsoleErrorCode, message: string, options: ParleyErrorOptions & ConsoleErrorDetails = {}) {
    super(code, message, options);
    // Only the body's fields: `cause` stays out of the answer.
    const { field, upstream, issues, reason } = options;
    this.details = {
      ...(field === undefined ? {} : { field }),
      ...(upstream === undefined ? {} : { upstream }),
      ...(issues === undefined ? {} : { issues }),
      ...(reason === undefined ? {} : { reason }),
    };
  }

  get status(): number {
    return CONSOLE_ERROR_STATUS[this.code];
  }

  toJSON(): Record<string, unknown> {
    return { error: this.code, message: this.message, ...this.details };
  }
}
