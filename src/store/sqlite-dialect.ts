/**
 * The embedded default (DESIGN D3): one better-sqlite3 file in WAL mode.
 *
 * better-sqlite3 is synchronous, so a connection waiting on `busy_timeout` blocks its whole thread.
 * Waiting works between processes (a CLI command beside `parley start`), but two handles on the
 * same file inside one process must not hold overlapping write transactions: the waiter would
 * block the event loop the holder needs to commit. Open one store per process.
 */
import { mkdirSync } from 'node:fs';
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
import type { Logger } from '../logging/create-logger.js';
import { withStatementCache } from './statement-cache.js';
import { StoreError } from './store-error.js';

export const SQLITE_FILE_NAME = 'parley.db';

/**
 * Kysely's driver opens transactions with a plain (deferred) `begin`. A deferred transaction that
 * reads first and writes later fails at once with SQLITE_BUSY, without waiting, when another
 * connection wrote in between ("upgrading to a write transaction is not possible",
 * https://www.sqlite.org/lang_transaction.html). `begin immediate` takes the write lock up front,
 * so every conflict goes through busy_timeout instead.
 */
class ImmediateSqliteDriver extends SqliteDriver {
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
  constructor(database: SqliteDatabase.Database) {
    super({ database });
    this.#database = database;
  }
  override createDriver(): SqliteDriver {
    return new ImmediateSqliteDriver({ database: this.#database });
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

/** Creates `dataDir` (mode 0700) if missing, opens `<dataDir>/parley.db` and applies the pragmas. */
export function createSqliteDialect(dataDir: string, logger: Logger): SqliteDialectResult {
  const path = join(resolve(dataDir), SQLITE_FILE_NAME);
  let database: SqliteDatabase.Database;
  try {
    // 0700: the file holds vault ciphertext and the audit trail; only parley's user reads it.
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
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
  } catch (error) {
    database.close();
    throw new StoreError('database_unreachable', `Could not configure SQLite database at ${path}: ${describe(error)}`, {
      cause: error,
    });
  }
  return { dialect: new ImmediateSqliteDialect(withStatementCache(database)), path };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
