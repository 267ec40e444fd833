/**
 * Shutting accounts off and changing them: disable, enable, remove, set role, set password, unlock.
 * Used by `parley users …` and the console's Users page. Disabling or removing a user ends their
 * sessions and revokes their API tokens at once, so a leaked credential stops working with the next
 * request; enabling again brings none of them back. A change that would leave no enabled admin is
 * refused (`last_admin`), so the console always keeps someone who can administer it.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../store/schema.js';
import { AuthError } from './auth-error.js';
import { clearLoginThrottle } from './login-rate-limit.js';
import { hashPassword, MIN_PASSWORD_LENGTH } from './password-hash.js';
import type { Role } from './roles.js';
import { normalizeEmail } from './user-accounts.js';

export interface UserRef {
  id: string;
  email: string;
  role: Role;
  disabledAt: number | null;
}

/** What ending a user's access took away. */
export interface EndedAccess {
  endedSessions: number;
  revokedTokens: number;
}

/** A user by email (the CLI) or id (the console); `user_not_found` otherwise. */
export async function findUser(db: Kysely<Database>, by: { email: string } | { id: string }): Promise<UserRef> {
  const query = db.selectFrom('users').select(['id', 'email', 'role', 'disabled_at']);
  const row =
    'email' in by
      ? await query.where('email', '=', normalizeEmail(by.email)).executeTakeFirst()
      : await query.where('id', '=', by.id).executeTakeFirst();
  if (row === undefined) {
    const what = 'email' in by ? `email ${normalizeEmail(by.email)}` : `id ${by.id}`;
    throw new AuthError('user_not_found', `no user with ${what}`);
  }
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    disabledAt: row.disabled_at === null ? null : Number(row.disabled_at),
  };
}

export async function disableUser(db: Kysely<Database>, userId: string, now: number): Promise<EndedAccess> {
  return keepingAnAdmin(db, userId, 'disable', async (trx) => {
    await trx
      .updateTable('users')
      .set({ disabled_at: now })
      .where('id', '=', userId)
      .where('disabled_at', 'is', null)
      .execute();
    return endAccess(trx, userId, now);
  });
}

export async function enableUser(db: Kysely<Database>, userId: string): Promise<void> {
  await db.updateTable('users').set({ disabled_at: null }).where('id', '=', userId).execute();
}

export async function removeUser(db: Kysely<Database>, userId: string, now: number): Promise<EndedAccess> {
  return keepingAnAdmin(db, userId, 'remove', async (trx) => {
    const ended = await endAccess(trx, userId, now);
    await trx.deleteFrom('api_tokens').where('user_id', '=', userId).execute();
    await trx.deleteFrom('users').where('id', '=', userId).execute();
    return ended;
  });
}

export async function setUserRole(db: Kysely<Database>, userId: string, role: Role): Promise<void> {
  const change = role === 'admin' ? null : 'demote';
  if (change === null) {
    await db.updateTable('users').set({ role }).where('id', '=', userId).execute();
    return;
  }
  await keepingAnAdmin(db, userId, change, async (trx) => {
    await trx.updateTable('users').set({ role }).where('id', '=', userId).execute();
  });
}

/** A new password ends the user's sessions (whoever had the old one is signed out); API tokens stay. */
export async function setUserPassword(
  db: Kysely<Database>,
  userId: string,
  password: string,
): Promise<{ endedSessions: number }> {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new AuthError(
      'weak_password',
      `password must be at least ${MIN_PASSWORD_LENGTH} characters; got ${password.length}`,
    );
  }
  const passwordHash = await hashPassword(password);
  return db.transaction().execute(async (trx) => {
    await trx.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', userId).execute();
    return { endedSessions: await endSessions(trx, userId) };
  });
}

/** Lifts login throttling for the user's email; true when it was throttled at all. */
export async function unlockUser(db: Kysely<Database>, user: Pick<UserRef, 'email'>): Promise<boolean> {
  return clearLoginThrottle(db, user.email);
}

async function endAccess(trx: Transaction<Database>, userId: string, now: number): Promise<EndedAccess> {
  const revoked = await trx
    .updateTable('api_tokens')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return { endedSessions: await endSessions(trx, userId), revokedTokens: Number(revoked.numUpdatedRows) };
}

async function endSessions(trx: Transaction<Database>, userId: string): Promise<number> {
  const ended = await trx.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
  return Number(ended.numDeletedRows);
}

const CHANGE_WORDS = { disable: 'disable', remove: 'remove', demote: 'take the admin role from' } as const;

/**
 * Runs `change` in a transaction that first locks every enabled admin row, so two admins disabling each
 * other at once cannot both succeed (PostgreSQL row locks; SQLite's transaction holds the write lock).
 */
async function keepingAnAdmin<T>(
  db: Kysely<Database>,
  userId: string,
  change: keyof typeof CHANGE_WORDS,
  body: (trx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await trx
      .updateTable('users')
      .set((eb) => ({ role: eb.ref('role') }))
      .where('role', '=', 'admin')
      .where('disabled_at', 'is', null)
      .execute();
    const target = await trx
      .selectFrom('users')
      .select(['email', 'role', 'disabled_at'])
      .where('id', '=', userId)
      .executeTakeFirst();
    if (target === undefined) throw new AuthError('user_not_found', `no user with id ${userId}`);
    if (target.role === 'admin' && target.disabled_at === null) {
      const others = await trx
        .selectFrom('users')
        .select('id')
        .where('role', '=', 'admin')
        .where('disabled_at', 'is', null)
        .where('id', '!=', userId)
        .limit(1)
        .executeTakeFirst();
      if (others === undefined) {
        throw new AuthError(
          'last_admin',
          `cannot ${CHANGE_WORDS[change]} ${target.email}: it is the only enabled admin; add or enable another admin first`,
        );
      }
    }
    return body(trx);
  });
}
