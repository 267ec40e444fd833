/**
 * The scrypt cost test users are hashed with: N=2^10 takes about 6 ms where the production N=2^15 takes
 * about 175 ms of one core, and the suite creates hundreds of users. Verification reads the cost from the
 * stored hash, so logins work the same. The production cost stays covered where it is asserted: the
 * `parley users add` tests (test/cli/users-command.test.ts), the login route and throttling tests
 * (test/console/auth/console-auth-routes.test.ts, login-throttle.test.ts) and password-hash.test.ts.
 */
import type { ScryptCost } from '../../src/console/auth/password-hash.js';

export const TEST_PASSWORD_COST: ScryptCost = { N: 2 ** 10, r: 8, p: 1 };
