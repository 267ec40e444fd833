/**
 * The OAuth app credentials of the built-in HighLevel sandbox. With `highlevel.target: sandbox` they
 * are the defaults, so a new user connects to the sandbox with no app of their own; the sandbox
 * (src/sandbox/highlevel/) accepts exactly these.
 */
export const DEFAULT_CLIENT_ID = 'sandbox-client-id';
export const DEFAULT_CLIENT_SECRET = 'sandbox-client-secret';
