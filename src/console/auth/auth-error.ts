/** The one error base of console authentication (users, tokens, sessions). Messages never carry a password or token. */
export class AuthError extends Error {
  override readonly name = 'AuthError';
  constructor(
    message: string,
    readonly code:
      | 'invalid_email'
      | 'invalid_role'
      | 'weak_password'
      | 'user_exists'
      | 'user_not_found'
      | 'invalid_token_name'
      | 'invalid_duration'
      | 'token_not_found'
      // The change would leave no enabled admin, and so nobody who could administer the console.
      | 'last_admin',
  ) {
    super(message);
  }
}
