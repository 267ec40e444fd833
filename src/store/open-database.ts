/**
 * The one way parley opens its database: SQLite at `<dataDir>/parley.db` by default,
 * PostgreSQL when a `postgres://` URL is given. Reads no environment: config decides the URL.
 */
import { type Dialect, Kysely, sql } from 'kysely';
import { type Logger, silentLogger } from '../lib/create-logger.js';
import { migrateToLatest } from './migrator.js';
import { createPostgresDialect } from './postgres-dialect.js';
import { redactDatabaseUrl } from './redact-database-url.js';
import type { Database } from './schema.js';
import { createMemorySqliteDialect, createSqliteDialect } from './sqlite-dialect.js';
import { StoreError } from './store-error.js';

export type DialectName = 'sqlite' | 'postgres';

export interface Store {
  db: Kysely<Database>;
  dialect: DialectName;
  /** Closes the file or ends the pool. Safe to call more than once. */
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** `postgres://` or `postgresql://`; leave unset for SQLite. */
  databaseUrl?: string;
  /** Where SQLite keeps `parley.db` (made 0600); created with mode 0700 if missing. Default `./data`. */
  dataDir?: string;
  logger?: Logger;
  /** Apply pending migrations before returning. Default true, so startup always runs on the latest schema. */
  migrate?: boolean;
  /** SQLite: how long a statement retries a database another connection has locked. Default 5 s. */
  busyPatienceMs?: number;
}

export const DEFAULT_DATA_DIR = './data';
const POSTGRES_URL = /^postgres(ql)?:\/\//i;

export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<Store> {
  const logger = options.logger ?? silentLogger();
  const { databaseUrl } = options;
  const dataDir = options.dataDir ?? DEFAULT_DATA_DIR;

  let dialectName: DialectName;
  let dialect: Dialect;
  let where: string;
  if (databaseUrl === undefined) {
    const sqlite = createSqliteDialect(dataDir, logger, { patienceMs: options.busyPatienceMs });
    dialectName = 'sqlite';
    dialect = sqlite.dialect;
    where = sqlite.path;
  } else {
    assertPostgresUrl(databaseUrl, dataDir);
    dialectName = 'postgres';
    dialect = createPostgresDialect(databaseUrl, logger).dialect;
    where = redactDatabaseUrl(databaseUrl);
  }

  const db = new Kysely<Database>({ dialect });
  const close = closeOnce(db);

  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    await close();
    const reason = error instanceof Error ? error.message : String(error);
    throw new StoreError(
      'database_unreachable',
      `Could not connect to ${dialectName} database at ${where}: ${reason}`,
      {
        cause: error,
      },
    );
  }

  if (options.migrate ?? true) {
    try {
      const applied = await migrateToLatest(db);
      if (applied.length > 0) logger.info({ dialect: dialectName, applied }, 'database migrated');
    } catch (error) {
      await close();
      throw error;
    }
  }

  logger.debug({ dialect: dialectName, where }, 'database opened');
  return { db, dialect: dialectName, close };
}

function assertPostgresUrl(databaseUrl: string, dataDir: string): void {
  const expected =
    `expected a postgres:// or postgresql:// URL, or no database URL to use SQLite at ` + `${dataDir}/parley.db`;
  if (!POSTGRES_URL.test(databaseUrl)) {
    const shown = databaseUrl.trim() === '' ? 'an empty string' : `"${redactDatabaseUrl(databaseUrl)}"`;
    throw new StoreError('invalid_database_url', `Invalid database URL (DATABASE_URL): ${expected}; got ${shown}`);
  }
  try {
    new URL(databaseUrl);
  } catch {
    throw new StoreError(
      'invalid_database_url',
      `Invalid database URL (DATABASE_URL): "${redactDatabaseUrl(databaseUrl)}" does not parse as a URL; ${expected}`,
    );
  }
}

/**
 * A migrated SQLite database in memory, private to this process and gone when closed: for work whose
 * rows must never reach the real store (a workflow test run's journal, src/app/workflow-test-runner.ts).
 */
export async function openMemoryDatabase(): Promise<Store> {
  const db = new Kysely<Database>({ dialect: createMemorySqliteDialect() });
  const close = closeOnce(db);
  try {
    await migrateToLatest(db);
  } catch (error) {
    await close();
    throw error;
  }
  return { db, dialect: 'sqlite', close };
}

/** `close` for a store: destroys the pool once, however often it is called. */
function closeOnce(db: Kysely<Database>): () => Promise<void> {
  let closed = false;
  return async () => {
    if (closed) return;
    closed = true;
    await db.destroy();
  };
}
