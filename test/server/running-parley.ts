/**
 * `runParley` as `parley serve` runs it (HTTP only, HighLevel target live, no worker) in this process, on a fresh
 * SQLite data directory or PostgreSQL database, with a second store on the same database for the test
 * and an API token per call to `token()`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addUser, createApiToken } from '../../src/console/auth/user-accounts.js';
import { createLogger } from '../../src/logging/create-logger.js';
import { runParley } from '../../src/server/run-parley.js';
import { openDatabase, type Store } from '../../src/store/open-database.js';
import { type DatabaseKind, openTestDatabase } from '../helpers/databases.js';

export interface RunningParley {
  url: string;
  /** The SQLite data directory; null on PostgreSQL. */
  dataDir: string | null;
  /** The PostgreSQL URL; null on SQLite. */
  databaseUrl: string | null;
  store: Store;
  /** A new API token for a viewer, as `{ authorization }` headers, with its row id. */
  token(): Promise<{ id: string; headers: { authorization: string } }>;
  stop(): Promise<void>;
}

export async function startServe(
  kind: DatabaseKind,
  /** `config`: more top-level YAML for parley.config.yaml (after the `highlevel:` block). */
  options: { config?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<RunningParley> {
  const dir = await mkdtemp(join(tmpdir(), 'parley-serve-'));
  // A live target: nothing runs without the sandboxes, and nothing here calls HighLevel.
  await writeFile(
    join(dir, 'parley.config.yaml'),
    `highlevel:\n  target: live\n  clientId: parley-test-app\n${options.config ?? ''}`,
  );
  const database = kind === 'postgres' ? await openTestDatabase('postgres', { migrate: false }) : null;
  const dataDir = database ? null : join(dir, 'data');
  const env: NodeJS.ProcessEnv = {
    PARLEY_MASTER_KEY: randomBytes(32).toString('base64'),
    HIGHLEVEL_CLIENT_SECRET: 'parley-test-secret',
    ...(database ? { DATABASE_URL: database.location.databaseUrl } : { PARLEY_DATA_DIR: dataDir ?? '' }),
    ...options.env,
  };
  const stop = new AbortController();
  let banner = '';
  let running: () => void = () => {};
  const started = new Promise<void>((resolve) => {
    running = resolve;
  });
  const logger = createLogger({ level: 'silent' });
  const parley = runParley({
    http: true,
    worker: false,
    sandbox: false,
    logger,
    env: { port: 0, host: '127.0.0.1', sandboxPort: 0 },
    processEnv: env,
    cwd: dir,
    write: (text) => {
      banner += text;
    },
    stop: stop.signal,
    onRunning: running,
  });
  const cleanup = async () => {
    stop.abort();
    await parley.catch(() => undefined);
    await database?.dispose();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await Promise.race([started, parley.then(() => Promise.reject(new Error(`parley stopped: ${banner}`)))]);
  } catch (error) {
    await cleanup();
    throw error;
  }
  const store = await openDatabase({
    ...(database ? { databaseUrl: database.location.databaseUrl } : { dataDir: dataDir ?? '' }),
    logger,
    migrate: false,
  });
  let users = 0;
  return {
    url: banner.match(/running on (http:\/\/\S+)/)?.[1] ?? '',
    dataDir,
    databaseUrl: database?.location.databaseUrl ?? null,
    store,
    async token() {
      const email = `viewer${++users}@parley.test`;
      await addUser(store.db, { email, password: 'a long enough password', role: 'viewer' });
      const { id, token } = await createApiToken(store.db, { email, name: 'tests' });
      return { id, headers: { authorization: `Bearer ${token}` } };
    },
    async stop() {
      await store.close();
      await cleanup();
    },
  };
}
