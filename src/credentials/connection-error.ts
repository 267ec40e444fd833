/**
 * The one error of the connections boundary (repository and token manager). `code` is stable: the
 * HighLevel client, the CLI and `doctor` branch on it, never on the message. Messages name the
 * connection, location or field and the fix, and never carry a token, refresh token or API key.
 *
 * - `invalid_input`: a save or lookup with a missing or malformed field (the message names it).
 * - `not_found`: no connection with that id.
 * - `no_connection`: nothing connected for the location a call needs.
 * - `needs_reconnect`: the grant is gone (invalid_grant) or the connection was marked so; only a
 *   reconnect helps, so nothing retries it.
 * - `refresh_failed`: the refresh did not go through (network, 5xx, 429, bad client config); the
 *   stored tokens are unchanged and a later call may succeed.
 * - `disabled`: the connection was switched off.
 * - `wrong_kind`: asked for an access token of an Accelevents API-key connection.
 */
import { ParleyError, type ParleyErrorOptions } from '../lib/parley-error.js';

export type ConnectionErrorCode =
  | 'invalid_input'
  | 'not_found'
  | 'no_connection'
  | 'needs_reconnect'
  | 'refresh_failed'
  | 'disabled'
  | 'wrong_kind';

export class ConnectionError extends ParleyError<ConnectionErrorCode> {
  override readonly name = 'ConnectionError';
  readonly connectionId: string | null;

  constructor(
    code: ConnectionErrorCode,
    message: string,
    options: ParleyErrorOptions & { connectionId?: string | null } = {},
  ) {
    super(code, message, options);
    this.connectionId = options.connectionId ?? null;
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message, connectionId: this.connectionId };
  }
}
