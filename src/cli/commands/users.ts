/**
 * `parley users …`: console users and their API tokens.
 *   add <email> --role R · list · disable|enable|remove <email> · set-role <email> <role>
 *   set-password <email> · unlock <email> (clears login throttling)
 *   token <email> --name N [--expires 30d] · token list <email> · token revoke <token-or-id>
 * Passwords come from PARLEY_USER_PASSWORD or piped stdin, never argv (argv is visible to every local
 * user in `ps`). A token is printed once and stored only as its SHA-256 digest; `token list` shows
 * ids, dates and state, never a token. Disabling or removing a user ends their sessions and revokes
 * their tokens at once.
 */
import type { Command } from 'commander';
import { type CommandIo, readPipedStdin } from '../../app/command-io.js';
import { withStoreRuntime } from '../../app/open-store-runtime.js';
import { listApiTokens, parseTokenLifetime, revokeToken } from '../../console/auth/api-token-admin.js';
import { AuthError } from '../../console/auth/auth-error.js';
import { parseRole, ROLES } from '../../console/auth/roles.js';
import { addUser, createApiToken, listUsers } from '../../console/auth/user-accounts.js';
import {
  disableUser,
  enableUser,
  findUser,
  removeUser,
  setUserPassword,
  setUserRole,
  unlockUser,
} from '../../console/auth/user-admin.js';
import type { Store } from '../../store/open-database.js';
import { CliError } from '../cli-error.js';
import { commandIo } from '../command-output.js';
import { textTable } from '../text-table.js';
import { withCliErrors } from '../to-cli-error.js';

// Mistakes in what was typed exit 2, like commander's own usage errors; facts about the database exit 1.
const USAGE_CODES = new Set([
  'invalid_email',
  'invalid_role',
  'weak_password',
  'invalid_token_name',
  'invalid_duration',
  'missing_name',
]);

export interface UsersAddOptions {
  role: string;
}

export function register(program: Command): void {
  const users = program.command('users').description('console users and their API tokens');
  users
    .command('add')
    .description('add a console user; the password comes from PARLEY_USER_PASSWORD or stdin')
    .argument('<email>', 'the login email')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .action(async function (this: Command, email: string, options: UsersAddOptions) {
      const io = commandIo(this);
      await runUsersAdd(email, { role: options.role, password: await passwordFrom(io) }, io);
    });
  const token = users
    .command('token')
    .description('issue an API token for a user (printed once); `token list` and `token revoke` look after issued ones')
    .argument('<email>', 'the user')
    .option('--name <name>', 'what the token is for, e.g. "nightly export" (required)')
    .option('--expires <duration>', 'refuse the token after this long: a number and m, h, d or w, e.g. 30d or 12h')
    .action(async function (this: Command, email: string, options: { name?: string; expires?: string }) {
      await runUsersToken(email, options, commandIo(this));
    });
  token
    .command('list')
    .description("list a user's API tokens: id, name, created, last used, expiry, state (never the token)")
    .argument('<email>', 'the user')
    .action(async function (this: Command, email: string) {
      await runUsersTokenList(email, commandIo(this));
    });
  token
    .command('revoke')
    .description('revoke an API token, named by its id (from `token list`) or by the token itself')
    .argument('<token-or-id>', 'the token id, or the pk_… token')
    .action(async function (this: Command, tokenOrId: string) {
      await runUsersTokenRevoke(tokenOrId, commandIo(this));
    });
  users
    .command('list')
    .description('list console users with their roles')
    .action(async function (this: Command) {
      await runUsersList(commandIo(this));
    });
  users
    .command('disable')
    .description('disable a user: their sessions end and their API tokens are revoked at once')
    .argument('<email>', 'the user')
    .action(async function (this: Command, email: string) {
      await runUsersDisable(email, commandIo(this));
    });
  users
    .command('enable')
    .description('enable a disabled user again (revoked tokens stay revoked)')
    .argument('<email>', 'the user')
    .action(async function (this: Command, email: string) {
      await runUsersEnable(email, commandIo(this));
    });
  users
    .command('remove')
    .description('delete a user, their sessions and their API tokens')
    .argument('<email>', 'the user')
    .action(async function (this: Command, email: string) {
      await runUsersRemove(email, commandIo(this));
    });
  users
    .command('set-role')
    .description("change a user's role")
    .argument('<email>', 'the user')
    .argument('<role>', `one of ${ROLES.join(', ')}`)
    .action(async function (this: Command, email: string, role: string) {
      await runUsersSetRole(email, role, commandIo(this));
    });
  users
    .command('set-password')
    .description("set a user's password from PARLEY_USER_PASSWORD or stdin; ends their sessions")
    .argument('<email>', 'the user')
    .action(async function (this: Command, email: string) {
      const io = commandIo(this);
      await runUsersSetPassword(email, await passwordFrom(io), io);
    });
  users
    .command('unlock')
    .description('clear login throttling for an email, so it may sign in again at once')
    .argument('<email>', 'the user')
    .action(async function (this: Command, email: string) {
      await runUsersUnlock(email, commandIo(this));
    });
}

async function passwordFrom(io: CommandIo): Promise<string | undefined> {
  return io.env.PARLEY_USER_PASSWORD ?? (await readPipedStdin())?.replace(/\r?\n$/, '');
}

function requirePassword(password: string | undefined): string {
  if (password === undefined || password === '') {
    throw new CliError(
      'missing_password',
      'no password: set PARLEY_USER_PASSWORD or pipe it on stdin (never pass it as an argument)',
      { exitCode: 2 },
    );
  }
  return password;
}

export async function runUsersAdd(
  email: string,
  options: { role: string; password: string | undefined },
  io: CommandIo,
): Promise<void> {
  const password = requirePassword(options.password);
  await withUsersStore(io, async (store) => {
    const user = await addUser(store.db, { email, password, role: parseRole(options.role) }, io.now);
    io.write(`Added ${user.email} as ${user.role}.\n`);
  });
}

export async function runUsersToken(
  email: string,
  options: { name?: string; expires?: string },
  io: CommandIo,
): Promise<void> {
  if (options.name === undefined) {
    throw new CliError('missing_name', '--name is required: what the token is for, e.g. --name "nightly export"', {
      exitCode: 2,
    });
  }
  const name = options.name;
  await withUsersStore(io, async (store) => {
    const expiresInMs = options.expires === undefined ? undefined : parseTokenLifetime(options.expires);
    const { token, expiresAt } = await createApiToken(store.db, { email, name, expiresInMs }, io.now);
    const expiry = expiresAt === null ? '' : ` Expires ${new Date(expiresAt).toISOString()}.`;
    io.write(`${token}\n`);
    io.write(`# API token "${name}" for ${email.trim().toLowerCase()}.${expiry} Shown once; store it now.\n`);
  });
}

export async function runUsersTokenList(email: string, io: CommandIo): Promise<void> {
  await withUsersStore(io, async (store) => {
    const user = await findUser(store.db, { email });
    const tokens = await listApiTokens(store.db, user.id, clock(io)());
    if (tokens.length === 0) {
      io.write(`${user.email} has no API tokens. Issue one with: parley users token ${user.email} --name <what for>\n`);
      return;
    }
    const rows = tokens.map((t) => [t.id, t.name, iso(t.createdAt), iso(t.lastUsedAt), iso(t.expiresAt), t.state]);
    io.write(textTable(['ID', 'NAME', 'CREATED', 'LAST USED', 'EXPIRES', 'STATE'], rows));
  });
}

export async function runUsersTokenRevoke(tokenOrId: string, io: CommandIo): Promise<void> {
  await withUsersStore(io, async (store) => {
    const revoked = await revokeToken(store.db, tokenOrId, clock(io)());
    io.write(
      revoked.revoked
        ? `Revoked API token ${revoked.id} ("${revoked.name}") of ${revoked.email}.\n`
        : `API token ${revoked.id} ("${revoked.name}") of ${revoked.email} was already revoked.\n`,
    );
  });
}

export async function runUsersDisable(email: string, io: CommandIo): Promise<void> {
  await withUsersStore(io, async (store) => {
    const user = await findUser(store.db, { email });
    const ended = await disableUser(store.db, user.id, clock(io)());
    io.write(
      `Disabled ${user.email}: ended ${plural(ended.endedSessions, 'session')} and revoked ${plural(ended.revokedTokens, 'API token')}.\n`,
    );
  });
}

export async function runUsersEnable(email: string, io: CommandIo): Promise<void> {
  await withUsersStore(io, async (store) => {
    const user = await findUser(store.db, { email });
    await enableUser(store.db, user.id);
    io.write(`Enabled ${user.email}. Tokens revoked when it was disabled stay revoked; issue new ones if needed.\n`);
  });
}

export async function runUsersRemove(email: string, io: CommandIo): Promise<void> {
  await withUsersStore(io, async (store) => {
    const user = await findUser(store.db, { email });
    const ended = await removeUser(store.db, user.id, clock(io)());
    io.write(
      `Removed ${user.email}: ended ${plural(ended.endedSessions, 'session')}, revoked ${plural(ended.revokedTokens, 'API token')}.\n`,
    );
  });
}

export async function runUsersSetRole(email: string, role: string, io: CommandIo): Promise<void> {
  const parsed = parseRoleForCli(role);
  await withUsersStore(io, async (store) => {
    const user = await findUser(store.db, { email });
    await setUserRole(store.db, user.id, parsed);
    io.write(`${user.email} is now ${parsed} (was ${user.role}).\n`);
  });
}

export async function runUsersSetPassword(email: string, password: string | undefined, io: CommandIo): Promise<void> {
  const given = requirePassword(password);
  await withUsersStore(io, async (store) => {
    const user = await findUser(store.db, { email });
    const { endedSessions } = await setUserPassword(store.db, user.id, given);
    io.write(`Set a new password for ${user.email}; ended ${plural(endedSessions, 'session')}.\n`);
  });
}

export async function runUsersUnlock(email: string, io: CommandIo): Promise<void> {
  await withUsersStore(io, async (store) => {
    const user = await findUser(store.db, { email });
    const wasThrottled = await unlockUser(store.db, user);
    io.write(
      wasThrottled
        ? `Unlocked ${user.email}: its failed sign-ins are forgotten and it may sign in again now.\n`
        : `${user.email} had no failed sign-ins to clear; it may sign in now.\n`,
    );
  });
}

export async function runUsersList(io: CommandIo): Promise<void> {
  await withUsersStore(io, async (store) => {
    const users = await listUsers(store.db, clock(io));
    if (users.length === 0) {
      io.write('No users. Add one with: parley users add <email> --role admin\n');
      return;
    }
    const rows = users.map((user) => [
      user.email,
      user.role,
      new Date(user.createdAt).toISOString(),
      user.disabledAt === null ? 'active' : 'disabled',
      String(user.activeTokens),
    ]);
    io.write(textTable(['EMAIL', 'ROLE', 'CREATED', 'STATUS', 'TOKENS'], rows));
  });
}

function iso(ms: number | null): string {
  return ms === null ? '-' : new Date(ms).toISOString();
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function clock(io: CommandIo): () => number {
  return io.now ?? Date.now;
}

/** parseRole's AuthError, surfaced before the store is opened. */
function parseRoleForCli(role: string) {
  try {
    return parseRole(role);
  } catch (error) {
    if (error instanceof AuthError) throw new CliError(error.code, error.message, { exitCode: 2 });
    throw error;
  }
}

async function withUsersStore(io: CommandIo, body: (store: Store) => Promise<void>): Promise<void> {
  await withCliErrors(async () => {
    await withStoreRuntime(io, async ({ store }) => {
      try {
        await body(store);
      } catch (error) {
        if (error instanceof AuthError)
          throw new CliError(error.code, error.message, { exitCode: USAGE_CODES.has(error.code) ? 2 : 1 });
        throw error;
      }
    });
  });
}
