/**
 * `parley users add <email> --role …`, `parley users token <email> --name …`, `parley users list`:
 * console users and their API tokens. The password comes from PARLEY_USER_PASSWORD or piped stdin,
 * never argv (argv is visible to every local user in `ps`). A token is printed once and stored only
 * as its SHA-256 digest.
 */
import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config.js';
import { AuthError } from '../../console/auth/auth-error.js';
import { parseRole, ROLES } from '../../console/auth/roles.js';
import { addUser, createApiToken, listUsers } from '../../console/auth/user-accounts.js';
import { createLogger } from '../../logging/create-logger.js';
import { type CommandIo, readPipedStdin } from '../../runtime/command-io.js';
import { withCliErrors } from '../../runtime/to-cli-error.js';
import { openDatabase, type Store } from '../../store/open-database.js';
import { CliError } from '../cli-error.js';

// Mistakes in what was typed exit 2, like commander's own usage errors; facts about the database exit 1.
const USAGE_CODES = new Set(['invalid_email', 'invalid_role', 'weak_password', 'invalid_token_name']);

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
      const password = io.env.PARLEY_USER_PASSWORD ?? (await readPipedStdin())?.replace(/\r?\n$/, '');
      await runUsersAdd(email, { role: options.role, password }, io);
    });
  users
    .command('token')
    .description('issue an API token for a user (printed once)')
    .argument('<email>', 'the user')
    .requiredOption('--name <name>', 'what the token is for, e.g. "nightly export"')
    .action(async function (this: Command, email: string, options: { name: string }) {
      await runUsersToken(email, options.name, commandIo(this));
    });
  users
    .command('list')
    .description('list console users with their roles')
    .action(async function (this: Command) {
      await runUsersList(commandIo(this));
    });
}

export async function runUsersAdd(
  email: string,
  options: { role: string; password: string | undefined },
  io: CommandIo,
): Promise<void> {
  if (options.password === undefined || options.password === '') {
    throw new CliError(
      'no password: set PARLEY_USER_PASSWORD or pipe it on stdin (never pass it as an argument)',
      'missing_password',
      2,
    );
  }
  const password = options.password;
  await withUsersStore(io, async (store) => {
    const user = await addUser(store.db, { email, password, role: parseRole(options.role) }, io.now);
    io.write(`Added ${user.email} as ${user.role}.\n`);
  });
}

export async function runUsersToken(email: string, name: string, io: CommandIo): Promise<void> {
  await withUsersStore(io, async (store) => {
    const { token } = await createApiToken(store.db, { email, name }, io.now);
    io.write(`${token}\n`);
    io.write(`# API token "${name}" for ${email.trim().toLowerCase()}. Shown once; store it now.\n`);
  });
}

export async function runUsersList(io: CommandIo): Promise<void> {
  await withUsersStore(io, async (store) => {
    const users = await listUsers(store.db);
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
    const header = ['EMAIL', 'ROLE', 'CREATED', 'STATUS', 'TOKENS'];
    const widths = header.map((title, column) =>
      Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
    );
    const line = (cells: string[]): string =>
      cells
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd();
    io.write(`${[header, ...rows].map(line).join('\n')}\n`);
  });
}

async function withUsersStore(io: CommandIo, body: (store: Store) => Promise<void>): Promise<void> {
  await withCliErrors(async () => {
    const config = loadConfig(io.env);
    const logger = createLogger({ level: io.env.LOG_LEVEL ?? 'warn', destination: process.stderr, name: 'parley' });
    const store = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger });
    try {
      await body(store);
    } catch (error) {
      if (error instanceof AuthError)
        throw new CliError(error.message, error.code, USAGE_CODES.has(error.code) ? 2 : 1);
      throw error;
    } finally {
      await store.close();
    }
  });
}

function commandIo(command: Command): CommandIo {
  const output = command.configureOutput();
  const write = output.writeOut ?? ((text: string) => process.stdout.write(text));
  return { env: process.env, write };
}
