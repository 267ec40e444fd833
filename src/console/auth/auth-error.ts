/** The one error base of console authentication (users, tokens, sessions). Messages never carry a password or token. */
import { ParleyError } from '../../lib/parley-error.js';

export type AuthErrorCode =
  | 'invalid_email'
  | 'invalid_role'
  | 'weak_password'
  | 'user_exists'
  | 'user_not_found'
  | 'invalid_token_name'
  | 'invalid_duration'
  | 'token_not_found'
  // The change would leave no enabled admin, and so nobody who could administer the console.
  | 'last_admin';

export class AuthError extends ParleyError<AuthErrorCode> {
  override readonly name = 'AuthError';
}
