/**
 * `runParley` (what `parley start` runs) in this process, in sandbox mode, on a fresh SQLite data
 * directory or a fresh PostgreSQL database, with the banner collected and the store opened beside it
 * (as a second process on the same env would), for tests that drive parley over HTTP.
 */
import type { Store } from '../../src/store/open-database.js';
import type { DatabaseKind } from '../helpers/databases.js';
import { launchParley } from '../helpers/launch-parley.js';

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
  const parley = await launchParley({ kind, worker: true, prefix: 'parley-in-process-' });
  try {
    const sandboxes = (await (await fetch(`${parley.url}/sandbox-info`)).json()) as InProcessParley['sandboxes'];
    return {
      url: parley.url,
      banner: parley.banner,
      env: parley.env,
      store: parley.store,
      sandboxes,
      stop: parley.stop,
    };
  } catch (error) {
    await parley.stop();
    throw error;
  }
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
