/**
 * Creating and listing console users and issuing or revoking their API tokens. Emails are stored
 * lowercased; passwords only as scrypt hashes; tokens only as SHA-256 digests (the plaintext token is
 * returned once, to be shown once).
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';
import { isUniqueViolation } from '../../store/unique-violation.js';
import { AuthError } from './auth-error.js';
import { hashPassword, MIN_PASSWORD_LENGTH, type ScryptCost } from './password-hash.js';
import type { Role } from './roles.js';
import { newApiToken, sha256Hex } from './secret-tokens.js';

export interface UserSummary {
  id: string;
  email: string;
  role: Role;
  createdAt: number;
  disabledAt: number | null;
  /** Neither revoked nor expired. */
  activeTokens: number;
}

// Deliberately loose (one @, a dot in the domain, no spaces): the address is a login name, not a mailbox we send to.
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function normalizeEmail(email: string): string {
  const normalized = email.trim().toLowerCase();
  if (!EMAIL_PATTERN.test(normalized)) {
    throw new AuthError('invalid_email', `email must look like name@example.com; got "${email}"`);
  }
  return normalized;
}

export async function addUser(
  db: Kysely<Database>,
  input: {
    email: string;
    password: string;
    role: Role;
    /** The password hash's cost; default the production one (password-hash.ts). Tests pass a cheap one. */
    passwordCost?: ScryptCost;
  },
  now: () => number = Date.now,
): Promise<{ id: string; email: string; role: Role }> {
  const email = normalizeEmail(input.email);
  if (input.password.length < MIN_PASSWORD_LENGTH) {
    throw new AuthError(
      'weak_password',
      `password must be at least ${MIN_PASSWORD_LENGTH} characters; got ${input.password.length}`,
    );
  }
  const id = randomUUID();
  const passwordHash = await hashPassword(input.password, input.passwordCost ? { cost: input.passwordCost } : {});
  try {
    await db
      .insertInto('users')
      .values({ id, email, password_hash: passwordHash, role: input.role, created_at: now() })
      .execute();
  } catch (error) {
    if (isUniqueViolation(error)) throw new AuthError('user_exists', `a user with email ${email} already exists`);
    throw error;
  }
  return { id, email, role: input.role };
}

export async function listUsers(db: Kysely<Database>, now: () => number = Date.now): Promise<UserSummary[]> {
  const users = await db.selectFrom('users').selectAll().orderBy('email').execute();
  const at = now();
  const tokens = await db
    .selectFrom('api_tokens')
    .select(['user_id', (eb) => eb.fn.countAll<number | string>().as('count')])
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', at)]))
    .groupBy('user_id')
    .execute();
  const counts = new Map(tokens.map((row) => [row.user_id, Number(row.count)]));
  return users.map((user) => ({
    id: user.id,
    email: user.email,
    role: user.role,
    createdAt: Number(user.created_at),
    disabledAt: user.disabled_at === null ? null : Number(user.disabled_at),
    activeTokens: counts.get(user.id) ?? 0,
  }));
}

/**
 * Issues a new API token for the user; the returned `token` is the only copy of the plaintext.
 * `expiresInMs`: refused after that long (default: until revoked).
 */
export async function createApiToken(
  db: Kysely<Database>,
  input: { email: string; name: string; expiresInMs?: number },
  now: () => number = Date.now,
): Promise<{ id: string; token: string; expiresAt: number | null }> {
  const name = input.name.trim();
  if (name === '') throw new AuthError('invalid_token_name', 'token name must not be empty');
  const email = normalizeEmail(input.email);
  const user = await db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
  if (user === undefined) throw new AuthError('user_not_found', `no user with email ${email}`);
  const id = randomUUID();
  const token = newApiToken();
  const createdAt = now();
  const expiresAt = input.expiresInMs === undefined ? null : createdAt + input.expiresInMs;
  await db
    .insertInto('api_tokens')
    .values({
      id,
      user_id: user.id,
      name,
      token_sha256: sha256Hex(token),
      created_at: createdAt,
      expires_at: expiresAt,
    })
    .execute();
  return { id, token, expiresAt };
}

/** Marks a token revoked; true when it was active. */
export async function revokeApiToken(
  db: Kysely<Database>,
  tokenId: string,
  now: () => number = Date.now,
): Promise<boolean> {
  const result = await db
    .updateTable('api_tokens')
    .set({ revoked_at: now() })
    .where('id', '=', tokenId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
