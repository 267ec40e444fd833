/**
 * The console's Users administration (admin only), shared by the API (users-routes.ts) and the page
 * (users-page.ts): every user with role, state, login throttling and API tokens; disable/enable, set
 * role, unlock, revoke a token. The work is src/console/auth/user-admin.ts and api-token-admin.ts, the
 * same the `parley users` CLI runs. An admin may not disable or re-role their own account here (they
 * would lock themselves out mid-click); another admin or the CLI can. Each change is written to the
 * server log with the acting user's id, as other admin writes are (the audit table holds HighLevel calls).
 */
import type { Kysely } from 'kysely';
import type { Logger } from '../../lib/create-logger.js';
import type { Database } from '../../store/schema.js';
import { listApiTokens, revokeToken, type TokenSummary } from '../auth/api-token-admin.js';
import { AuthError } from '../auth/auth-error.js';
import { lockedEmails } from '../auth/login-rate-limit.js';
import type { Caller } from '../auth/resolve-caller.js';
import type { Role } from '../auth/roles.js';
import { listUsers } from '../auth/user-accounts.js';
import { disableUser, enableUser, findUser, setUserRole, type UserRef, unlockUser } from '../auth/user-admin.js';
import { actorOf } from '../console-deps.js';
import { ConsoleError } from '../console-error.js';

export interface UserAccountView {
  id: string;
  email: string;
  role: Role;
  state: 'active' | 'disabled';
  createdAt: number;
  disabledAt: number | null;
  /** When login throttling for this email ends; null when it may sign in now. */
  lockedUntil: number | null;
  tokens: TokenSummary[];
}

export interface UserAdminDeps {
  db: Kysely<Database>;
  logger: Logger;
  now: () => number;
}

export type UserChange =
  | { action: 'disable' }
  | { action: 'enable' }
  | { action: 'set_role'; role: Role }
  | { action: 'unlock' }
  | { action: 'revoke_token'; tokenId: string };

export async function listUserAccounts(deps: Pick<UserAdminDeps, 'db' | 'now'>): Promise<UserAccountView[]> {
  const now = deps.now();
  const [users, locked] = await Promise.all([listUsers(deps.db, deps.now), lockedEmails(deps.db, now)]);
  return Promise.all(
    users.map(async (user) => ({
      id: user.id,
      email: user.email,
      role: user.role,
      state: user.disabledAt === null ? ('active' as const) : ('disabled' as const),
      createdAt: user.createdAt,
      disabledAt: user.disabledAt,
      lockedUntil: locked.get(user.email) ?? null,
      tokens: await listApiTokens(deps.db, user.id, now),
    })),
  );
}

export async function getUserAccount(
  deps: Pick<UserAdminDeps, 'db' | 'now'>,
  userId: string,
): Promise<UserAccountView> {
  const found = (await listUserAccounts(deps)).find((user) => user.id === userId);
  if (found === undefined) throw userNotFound();
  return found;
}

/** Applies one change for an admin; answers the user as it is afterwards and what the change did. */
export async function changeUser(
  deps: UserAdminDeps,
  caller: Caller,
  userId: string,
  change: UserChange,
): Promise<{ user: UserAccountView; result: Record<string, unknown> }> {
  try {
    const target = await findUser(deps.db, { id: userId });
    const result = await apply(deps, caller, target, change);
    // Ids only: the log carries no email (no personal data beyond ids in logs).
    deps.logger.info(
      { actor: actorOf(caller), action: change.action, userId, ...result },
      'console user changed by an admin',
    );
    return { user: await getUserAccount(deps, userId), result };
  } catch (error) {
    throw toConsoleError(error);
  }
}

async function apply(
  deps: UserAdminDeps,
  caller: Caller,
  target: UserRef,
  change: UserChange,
): Promise<Record<string, unknown>> {
  switch (change.action) {
    case 'disable':
      refuseSelf(caller, target, 'disable');
      return { ...(await disableUser(deps.db, target.id, deps.now())) };
    case 'enable':
      await enableUser(deps.db, target.id);
      return {};
    case 'set_role':
      if (change.role !== target.role) refuseSelf(caller, target, 'change the role of');
      await setUserRole(deps.db, target.id, change.role);
      return { role: change.role, previousRole: target.role };
    case 'unlock':
      return { unlocked: await unlockUser(deps.db, target) };
    case 'revoke_token': {
      const revoked = await revokeToken(deps.db, change.tokenId, deps.now(), { userId: target.id });
      return { tokenId: revoked.id, revoked: revoked.revoked };
    }
  }
}

function refuseSelf(caller: Caller, target: UserRef, verb: string): void {
  if (caller.userId === target.id) {
    throw new ConsoleError(
      'invalid_request',
      `you cannot ${verb} your own account from the console; another admin can, or run parley users on the server`,
      { field: 'userId' },
    );
  }
}

function userNotFound(): ConsoleError {
  return new ConsoleError('not_found', 'no user with that id', { field: 'userId' });
}

function toConsoleError(error: unknown): unknown {
  if (!(error instanceof AuthError)) return error;
  switch (error.code) {
    case 'user_not_found':
      return userNotFound();
    case 'token_not_found':
      return new ConsoleError('not_found', 'this user has no API token with that id', { field: 'tokenId' });
    case 'last_admin':
      return new ConsoleError('invalid_request', error.message, { field: 'userId' });
    case 'invalid_role':
      return new ConsoleError('invalid_request', error.message, { field: 'role' });
    default:
      return error;
  }
}
