/**
 * Where the master key file lives when PARLEY_MASTER_KEY is not set: beside the SQLite database in
 * the data directory, which is created with mode 0700 (src/store/sqlite-dialect.ts). `parley init`
 * writes it there with mode 0600; every command reads it from the same place.
 */
import { join } from 'node:path';
import type { ParleyConfig } from '../config/load-config.js';

export const KEY_FILE_NAME = 'master.key';

export function keyFilePath(env: Pick<ParleyConfig, 'dataDir'>): string {
  return join(env.dataDir, KEY_FILE_NAME);
}
