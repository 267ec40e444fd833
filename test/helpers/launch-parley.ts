/**
 * `runParley` (what `parley start|serve|worker` run) in this process, on a fresh SQLite data directory
 * or a fresh PostgreSQL database, with the banner collected and a second store opened on the same
 * database (as another process with the same env would), for tests that drive parley over HTTP.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runParley } from '../../src/app/run-parley.js';
import { createLogger } from '../../src/lib/create-logger.js';
import { openDatabase, type Store } from '../../src/store/open-database.js';
import { type DatabaseKind, openTestDatabase } from './databases.js';

export interface LaunchOptions {
  kind?: DatabaseKind;
  worker: boolean;
  /** Start the sandboxes whatever the target (`--sandbox`); absent: as the config's target says. */
  sandbox?: boolean;
  /** parley.config.yaml in the working directory, when given. */
  config?: string;
  env?: NodeJS.ProcessEnv;
  /** The temporary directory's name prefix. */
  prefix?: string;
}

export interface LaunchedParley {
  /** parley's base URL. */
  url: string;
  banner: string;
  /** The env parley was started with (data directory or DATABASE_URL, master key). */
  env: NodeJS.ProcessEnv;
  /** The SQLite data directory; null on PostgreSQL. */
  dataDir: string | null;
  /** The PostgreSQL URL; null on SQLite. */
  databaseUrl: string | null;
  /** The same database parley uses. */
  store: Store;
  stop(): Promise<void>;
}

export async function launchParley(options: LaunchOptions): Promise<LaunchedParley> {
  const dir = await mkdtemp(join(tmpdir(), options.prefix ?? 'parley-launch-'));
  if (options.config !== undefined) await writeFile(join(dir, 'parley.config.yaml'), options.config);
  const database = options.kind === 'postgres' ? await openTestDatabase('postgres', { migrate: false }) : null;
  const dataDir = database ? null : join(dir, 'data');
  const env: NodeJS.ProcessEnv = {
    PARLEY_MASTER_KEY: randomBytes(32).toString('base64'),
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
    worker: options.worker,
    ...(options.sandbox === undefined ? {} : { sandbox: options.sandbox }),
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
  return {
    url: banner.match(/running on (http:\/\/\S+)/)?.[1] ?? '',
    banner,
    env,
    dataDir,
    databaseUrl: database?.location.databaseUrl ?? null,
    store,
    stop: async () => {
      await store.close();
      await cleanup();
    },
  };
}
