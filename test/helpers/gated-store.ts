/**
 * A second Kysely on a test database whose next connection can be held back: the statement that asks
 * for it waits, without holding any connection, until the test lets it go. Pins down interleavings
 * that otherwise happen only on a loaded machine ("this read lands after that refresh committed").
 * Real dialects underneath (SQLite file, PostgreSQL pool); only the hand-out of a connection is gated.
 */
import { type DatabaseConnection, type Dialect, type Driver, Kysely } from 'kysely';
import { createLogger } from '../../src/lib/create-logger.js';
import type { Store } from '../../src/store/open-database.js';
import { createPostgresDialect } from '../../src/store/postgres-dialect.js';
import type { Database } from '../../src/store/schema.js';
import { createSqliteDialect } from '../../src/store/sqlite-dialect.js';
import type { TestDatabase } from './databases.js';

export interface GatedStore {
  store: Store;
  /**
   * Holds the next connection request. `reached` settles once a statement is waiting on it;
   * `release()` lets that statement go on.
   */
  holdNext(): { reached: Promise<void>; release: () => void };
}

export function openGatedStore(database: Pick<TestDatabase, 'kind' | 'location'>): GatedStore {
  const logger = createLogger({ level: 'silent' });
  const inner =
    database.kind === 'sqlite'
      ? createSqliteDialect(database.location.dataDir!, logger).dialect
      : createPostgresDialect(database.location.databaseUrl!, logger).dialect;
  let armed: { arrive: () => void; opened: Promise<void> } | null = null;

  const gate = async () => {
    const held = armed;
    armed = null;
    if (held) {
      held.arrive();
      await held.opened;
    }
  };
  const dialect: Dialect = {
    createAdapter: () => inner.createAdapter(),
    createQueryCompiler: () => inner.createQueryCompiler(),
    createIntrospector: (db) => inner.createIntrospector(db),
    createDriver: () => gatedDriver(inner.createDriver(), gate),
  };
  const db = new Kysely<Database>({ dialect });
  return {
    store: { db, dialect: database.kind, close: () => db.destroy() },
    holdNext() {
      let arrive!: () => void;
      let release!: () => void;
      const reached = new Promise<void>((resolve) => {
        arrive = resolve;
      });
      const opened = new Promise<void>((resolve) => {
        release = resolve;
      });
      armed = { arrive, opened };
      return { reached, release };
    },
  };
}

function gatedDriver(driver: Driver, gate: () => Promise<void>): Driver {
  return {
    init: () => driver.init(),
    acquireConnection: async (): Promise<DatabaseConnection> => {
      await gate();
      return driver.acquireConnection();
    },
    beginTransaction: (connection, settings) => driver.beginTransaction(connection, settings),
    commitTransaction: (connection) => driver.commitTransaction(connection),
    rollbackTransaction: (connection) => driver.rollbackTransaction(connection),
    releaseConnection: (connection) => driver.releaseConnection(connection),
    destroy: () => driver.destroy(),
  };
}
