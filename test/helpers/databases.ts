/**
 * Runs a suite against both databases parley supports, so every store behaviour is proven on each.
 * Each suite gets its own empty database, so test files never see each other's rows:
 * SQLite in a fresh temp directory, PostgreSQL as a fresh `parley_test_<random>` database on the
 * server the global setup provides, dropped `WITH (FORCE)` afterwards. A migrated PostgreSQL database
 * is a copy of the template the global setup migrated once (test/helpers/global-setup.ts); opening it
 * still runs the migrator, which finds nothing to do.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, inject } from 'vitest';
import type { CommandIo } from '../../src/app/command-io.js';
import { createLogger } from '../../src/lib/create-logger.js';
import { openDatabase, type Store } from '../../src/store/open-database.js';
import { databaseUrlFor, dropDatabase, withAdminClient } from './postgres-admin.js';

export type DatabaseKind = 'sqlite' | 'postgres';
export const DATABASE_KINDS: readonly DatabaseKind[] = ['sqlite', 'postgres'];

export interface TestDatabase {
  kind: DatabaseKind;
  store: Store;
  /** What opens the same database again: `{ dataDir }` for SQLite, `{ databaseUrl }` for PostgreSQL. */
  location: { dataDir?: string; databaseUrl?: string };
  /** Closes the store and deletes the directory or database. */
  dispose(): Promise<void>;
}

export interface OpenTestDatabaseOptions {
  /** Migrate to latest before returning. Default true. */
  migrate?: boolean;
}

const silentLogger = createLogger({ level: 'silent' });

export async function openTestDatabase(
  kind: DatabaseKind,
  options: OpenTestDatabaseOptions = {},
): Promise<TestDatabase> {
  const migrate = options.migrate ?? true;
  if (kind === 'sqlite') {
    const root = await mkdtemp(join(tmpdir(), 'parley-sqlite-'));
    // A directory that does not exist yet, so openDatabase's own creation is what runs.
    const dataDir = join(root, 'data');
    const store = await openDatabase({ dataDir, logger: silentLogger, migrate });
    return {
      kind,
      store,
      location: { dataDir },
      dispose: async () => {
        await store.close();
        await rm(root, { recursive: true, force: true });
      },
    };
  }

  const adminUrl = inject('postgresAdminUrl');
  const name = `parley_test_${randomBytes(6).toString('hex')}`;
  const template = migrate ? ` TEMPLATE ${inject('postgresTemplate')}` : '';
  await withAdminClient(adminUrl, (client) => client.query(`CREATE DATABASE ${name}${template}`));
  const databaseUrl = databaseUrlFor(adminUrl, name);
  const store = await openDatabase({ databaseUrl, logger: silentLogger, migrate });
  return {
    kind,
    store,
    location: { databaseUrl },
    dispose: async () => {
      await store.close();
      await dropDatabase(adminUrl, name);
    },
  };
}

/** The environment a command run on this database gets: its data directory or URL, and a silent log. */
export function storeEnv(database: Pick<TestDatabase, 'location'>): NodeJS.ProcessEnv {
  const { dataDir, databaseUrl } = database.location;
  return {
    LOG_LEVEL: 'silent',
    ...(dataDir === undefined ? {} : { PARLEY_DATA_DIR: dataDir }),
    ...(databaseUrl === undefined ? {} : { DATABASE_URL: databaseUrl }),
  };
}

/** A command's io on a test database, collecting what it prints in `out` (cleared by each `io()`). */
export function captureCommand(
  database: () => Pick<TestDatabase, 'location'>,
  extra: Omit<CommandIo, 'env' | 'write'> = {},
): { io(): CommandIo; readonly out: string } {
  let out = '';
  return {
    io: () => {
      out = '';
      return {
        env: storeEnv(database()),
        write: (text: string) => {
          out += text;
        },
        ...extra,
      };
    },
    get out() {
      return out;
    },
  };
}

/** Registers `suite` twice, as `<name> [sqlite]` and `<name> [postgres]`, each on its own migrated database. */
export function describeEachDatabase(name: string, suite: (getStore: () => Store) => void): void {
  for (const kind of DATABASE_KINDS) {
    describe(`${name} [${kind}]`, () => {
      let database: TestDatabase | undefined;
      beforeAll(async () => {
        database = await openTestDatabase(kind);
      });
      afterAll(async () => {
        await database?.dispose();
      });
      suite(() => {
        if (!database) throw new Error(`the ${kind} test database is not open (did beforeAll fail?)`);
        return database.store;
      });
    });
  }
}
