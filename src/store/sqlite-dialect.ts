/**
 * The embedded default: one better-sqlite3 file in WAL mode.
 *
 * better-sqlite3 is synchronous, so SQLite's own lock wait (`busy_timeout`) is kept to a few
 * milliseconds and a locked statement is retried asynchronously (sqlite-busy-retry.ts): a writer in
 * another process (a CLI command beside `parley start`) never freezes this one's event loop.
 *
 * The file, its WAL and shared-memory files are made 0600 and a data directory parley creates 0700:
 * they hold vault ciphertext, sessions and the audit trail, which only parley's user should read.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type DialectAdapter,
  SqliteAdapter,
  SqliteDialect,
  SqliteDriver,
} from 'kysely';
import type { Logger } from '../lib/create-logger.js';
import {
  BusyRetryingConnection,
  type BusyRetryOptions,
  ConnectionMutex,
  SQLITE_BUSY_TIMEOUT_MS,
} from './sqlite-busy-retry.js';
import { withStatementCache } from './statement-cache.js';
import { StoreError } from './store-error.js';

export const SQLITE_FILE_NAME = 'parley.db';

/**
 * Kysely's driver opens transactions with a plain (deferred) `begin`. A deferred transaction that
 * reads first and writes later fails at once with SQLITE_BUSY, which no wait can fix, when another
 * connection wrote in between ("upgrading to a write transaction is not possible",
 * https://www.sqlite.org/lang_transaction.html). `begin immediate` takes the write lock up front,
 * so every conflict is a lock wait, retried like any other. The driver's one connection retries
 * locked statements without blocking (sqlite-busy-retry.ts).
 */
class ImmediateSqliteDriver extends SqliteDriver {
  readonly #mutex = new ConnectionMutex();
  readonly #connection: BusyRetryingConnection;

  constructor(database: SqliteDatabase.Database, retry: BusyRetryOptions) {
    super({ database });
    this.#connection = new BusyRetryingConnection(database, this.#mutex, retry);
  }
  override async acquireConnection(): Promise<DatabaseConnection> {
    await this.#mutex.lock();
    return this.#connection;
  }
  override async releaseConnection(): Promise<void> {
    this.#mutex.unlock();
  }
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/**
 * Kysely reports SQLite DDL as non-transactional (kysely-org/kysely#56, closed wontfix) and takes
 * no migration lock on SQLite (#729), so a failed migration leaves half its tables behind and two
 * processes can migrate at once. SQLite DDL does roll back, and with `begin immediate` the
 * migration transaction holds the write lock, which also serialises concurrent migrators.
 * The cost: `PRAGMA foreign_keys` is a no-op inside a transaction, so a migration that rebuilds a
 * table on SQLite must use `PRAGMA defer_foreign_keys` instead (https://www.sqlite.org/pragma.html#pragma_foreign_keys).
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #database: SqliteDatabase.Database;
  readonly #retry: BusyRetryOptions;
  constructor(database: SqliteDatabase.Database, retry: BusyRetryOptions) {
    super({ database });
    this.#database = database;
    this.#retry = retry;
  }
  override createDriver(): SqliteDriver {
    return new ImmediateSqliteDriver(this.#database, this.#retry);
  }
  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

export interface SqliteDialectResult {
  dialect: Dialect;
  /** Absolute path of the database file. */
  path: string;
}

/** Where SQLite keeps a database's write-ahead log and shared memory (https://www.sqlite.org/wal.html). */
export const SQLITE_COMPANION_SUFFIXES = ['-wal', '-shm'] as const;

/** Creates `dataDir` (mode 0700) if missing, opens `<dataDir>/parley.db` and applies the pragmas. */
export function createSqliteDialect(
  dataDir: string,
  logger: Logger,
  retry: BusyRetryOptions = {},
): SqliteDialectResult {
  const path = join(resolve(dataDir), SQLITE_FILE_NAME);
  let database: SqliteDatabase.Database;
  try {
    // mkdir's mode passes through the umask; chmod makes a directory parley created exactly 0700.
    const created = mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    if (created !== undefined) chmodSync(dataDir, 0o700);
    // SQLite would create the file 0644; made first at 0600, its WAL and shm files follow that mode.
    if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
    database = new SqliteDatabase(path);
  } catch (error) {
    throw new StoreError('database_unreachable', `Could not open SQLite database at ${path}: ${describe(error)}`, {
      cause: error,
    });
  }
  try {
    // Set first, so switching to WAL below also waits for a writer in another process.
    database.pragma('busy_timeout = 5000');
    const mode = database.pragma('journal_mode = WAL', { simple: true });
    if (String(mode).toLowerCase() !== 'wal') {
      // WAL needs shared memory, which some network filesystems lack (https://www.sqlite.org/wal.html).
      logger.warn({ path, journalMode: mode }, 'SQLite refused WAL mode; writers will block readers');
    }
    // NORMAL in WAL mode survives a process crash (kill -9); only an OS crash or power loss can
    // roll back the last commits (https://www.sqlite.org/pragma.html#pragma_synchronous).
    database.pragma('synchronous = NORMAL');
    database.pragma('foreign_keys = ON');
    // From here on a lock is waited for asynchronously (sqlite-busy-retry.ts), not inside SQLite.
    database.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  } catch (error) {
    database.close();
    throw new StoreError('database_unreachable', `Could not configure SQLite database at ${path}: ${describe(error)}`, {
      cause: error,
    });
  }
  closeToOthers(path, logger);
  return { dialect: new ImmediateSqliteDialect(withStatementCache(database), retry), path };
}

/**
 * A private SQLite database in memory (https://www.sqlite.org/inmemorydb.html), gone when closed: a
 * scratch store no other connection sees. Same driver and pragmas as the file, without WAL (no file).
 */
export function createMemorySqliteDialect(): Dialect {
  const database = new SqliteDatabase(':memory:');
  database.pragma('foreign_keys = ON');
  return new ImmediateSqliteDialect(withStatementCache(database), {});
}

/**
 * Drops group and other access from the database and its WAL and shm files (a file made by an earlier
 * parley is 0644). Best effort: a file parley's user does not own stays as it is, and doctor reports it.
 */
function closeToOthers(path: string, logger: Logger): void {
  for (const file of [path, ...SQLITE_COMPANION_SUFFIXES.map((suffix) => `${path}${suffix}`)]) {
    try {
      const mode = statSync(file).mode & 0o777;
      if ((mode & 0o077) !== 0) chmodSync(file, mode & 0o700);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      logger.warn({ file, code: (error as NodeJS.ErrnoException).code }, 'could not make the database file 0600');
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
