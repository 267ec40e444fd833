/**
 * Opens the runtime only if there can be connections to look at: a read-only command such as
 * `parley scopes` must not create a data directory and a database on a fresh checkout. PostgreSQL
 * is always opened (the database exists or the URL is wrong, which the caller should hear about).
 */
import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { loadConfig } from '../config/load-config.js';
import { SQLITE_FILE_NAME } from '../store/sqlite-dialect.js';
import type { CommandIo } from './command-io.js';
import { openRuntime, type Runtime } from './open-runtime.js';

export async function openExistingRuntime(io: CommandIo): Promise<Runtime | null> {
  const env = loadConfig(io.env);
  if (env.databaseUrl === undefined) {
    // Resolved as the store resolves it (src/store/sqlite-dialect.ts), against the process's directory.
    const file = join(resolve(env.dataDir), SQLITE_FILE_NAME);
    const exists = await access(file).then(
      () => true,
      () => false,
    );
    if (!exists) return null;
  }
  return openRuntimeFor(io);
}

/** openRuntime with everything the command's io carries. */
export function openRuntimeFor(io: CommandIo): Promise<Runtime> {
  return openRuntime({ env: io.env, cwd: io.cwd, sandboxUrl: io.sandboxUrl, fetch: io.fetch, now: io.now });
}
