/**
 * Password hashes (src/console/auth/password-hash.ts): the production cost unless a caller passes one,
 * the cost stored in the hash so verification needs no configuration, and the same answers at any cost.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCRYPT_COST, hashPassword, verifyPassword } from '../../../src/console/auth/password-hash.js';
import { TEST_PASSWORD_COST } from '../../helpers/password-cost.js';

const PASSWORD = 'a long enough password';

describe('password hashes', () => {
  it('hashes at N=2^15, r=8, p=1 when no cost is passed', async () => {
    const stored = await hashPassword(PASSWORD);
    expect(DEFAULT_SCRYPT_COST).toEqual({ N: 32768, r: 8, p: 1 });
    expect(stored).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{86}$/);
    expect(await verifyPassword(PASSWORD, stored)).toBe(true);
  });

  it('stores the cost it was given and verifies by the stored cost', async () => {
    const stored = await hashPassword(PASSWORD, { cost: TEST_PASSWORD_COST });
    expect(stored.startsWith(`scrypt$${TEST_PASSWORD_COST.N}$8$1$`)).toBe(true);
    expect(await verifyPassword(PASSWORD, stored)).toBe(true);
    expect(await verifyPassword('another long password', stored)).toBe(false);
  });

  it('salts every hash, so one password hashed twice gives two different hashes', async () => {
    const [first, second] = await Promise.all([
      hashPassword(PASSWORD, { cost: TEST_PASSWORD_COST }),
      hashPassword(PASSWORD, { cost: TEST_PASSWORD_COST }),
    ]);
    expect(first).not.toBe(second);
  });

  it('rejects a stored value that is not a scrypt hash or has a cost that is not a positive integer', async () => {
    const stored = await hashPassword(PASSWORD, { cost: TEST_PASSWORD_COST });
    expect(await verifyPassword(PASSWORD, stored.replace(/^scrypt/, 'bcrypt'))).toBe(false);
    expect(await verifyPassword(PASSWORD, stored.replace(`$${TEST_PASSWORD_COST.N}$`, '$0$'))).toBe(false);
    expect(await verifyPassword(PASSWORD, 'not a hash')).toBe(false);
  });
});
