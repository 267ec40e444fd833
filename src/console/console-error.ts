/**
 * The one error base of the console boundary (REST API and pages). Each code has one HTTP status, so
 * a client can branch on `error` in the JSON body: `{ error, message, field? }`.
 */
export type ConsoleErrorCode =
  | 'invalid_request' // 400: a parameter or body field is wrong; `field` names it
  | 'not_found' // 404: no such conversation/message, or the caller may not see it
  | 'forbidden' // 403: the caller's role may not do this to this conversation (a sponsor outside their channel)
  | 'no_location' // 409: nothing says which HighLevel location to act for
  | 'upstream_failed'; // 502: HighLevel refused or failed; `upstream` carries its code and status

export const CONSOLE_ERROR_STATUS: Readonly<Record<ConsoleErrorCode, number>> = {
  invalid_request: 400,
  not_found: 404,
  forbidden: 403,
  no_location: 409,
  upstream_failed: 502,
};

export class ConsoleError extends Error {
  override readonly name = 'ConsoleError';
  constructor(
    readonly code: ConsoleErrorCode,
    message: string,
    readonly details: { field?: string; upstream?: Record<string, unknown> } = {},
  ) {
    super(message);
  }

  get status(): number {
    return CONSOLE_ERROR_STATUS[this.code];
  }

  toJSON(): Record<string, unknown> {
    return { error: this.code, message: this.message, ...this.details };
  }
}
