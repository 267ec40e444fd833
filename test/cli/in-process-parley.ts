/**
 * `runParley` (what `parley start` runs) in this process, in sandbox mode, on a fresh SQLite data
 * directory or a fresh PostgreSQL database, with the banner collected and the store opened beside it
 * (as a second process on the same env would), for tests that drive parley over HTTP.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../src/logging/create-logger.js';
import { runParley } from '../../src/server/run-parley.js';
import { openDatabase, type Store } from '../../src/store/open-database.js';
import { type DatabaseKind, openTestDatabase } from '../helpers/databases.js';

export interface InProcessParley {
  /** parley's base URL. */
  url: string;
  banner: string;
  /** The env parley was started with (data directory or DATABASE_URL, master key). */
  env: NodeJS.ProcessEnv;
  /** The same database parley uses. */
  store: Store;
  sandboxes: { highlevel: { url: string; locationId: string }; accelevents: { url: string } };
  stop(): Promise<void>;
}

export async function startInProcessParley(kind: DatabaseKind = 'sqlite'): Promise<InProcessParley> {
  const dir = await mkdtemp(join(tmpdir(), 'parley-in-process-'));
  const database = kind === 'postgres' ? await openTestDatabase('postgres', { migrate: false }) : null;
  const env: NodeJS.ProcessEnv = {
    PARLEY_MASTER_KEY: randomBytes(32).toString('base64'),
    ...(database ? { DATABASE_URL: database.location.databaseUrl } : { PARLEY_DATA_DIR: join(dir, 'data') }),
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
    worker: true,
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
  const url = banner.match(/running on (http:\/\/\S+)/)?.[1] ?? '';
  const sandboxes = (await (await fetch(`${url}/sandbox-info`)).json()) as InProcessParley['sandboxes'];
  const store = await openDatabase({
    ...(database ? { databaseUrl: database.location.databaseUrl } : { dataDir: join(dir, 'data') }),
    logger,
    migrate: false,
  });
  return {
    url,
    banner,
    env,
    store,
    sandboxes,
    stop: async () => {
      await store.close();
      await cleanup();
    },
  };
}

/** Polls until `check` returns a value other than undefined; throws after `boundMs` (a bound, not a timing assertion). */
export async function until<T>(what: string, check: () => Promise<T | undefined>, boundMs = 30_000): Promise<T> {
  const deadline = Date.now() + boundMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
