/**
 * Doctor's look at who else may read parley's files: the data directory should be 0700 and the SQLite
 * database with its WAL and shm files 0600 (they hold vault ciphertext, sessions and the audit trail).
 * parley narrows the database files itself when it opens them (src/store/sqlite-dialect.ts) but never
 * a directory it did not create; anything still wider is a warning with the exact chmod that fixes it.
 * The master key file has its own check (src/vault/master-key.ts refuses a wider one).
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ParleyConfig } from '../../config/load-config.js';
import { SQLITE_COMPANION_SUFFIXES, SQLITE_FILE_NAME } from '../../store/sqlite-dialect.js';
import { type CheckResult, ok, warn } from './check-result.js';

const NAME = 'file permissions';

async function modeOf(path: string): Promise<number | null> {
  try {
    return (await stat(path)).mode & 0o777;
  } catch {
    return null;
  }
}

/** Single-quoted for a POSIX shell, so a path with spaces or quotes pastes as it is. */
function shellQuote(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replaceAll("'", `'"'"'`)}'`;
}

export async function fileModeCheck(env: Pick<ParleyConfig, 'dataDir' | 'databaseUrl'>): Promise<CheckResult> {
  const problems: string[] = [];
  const fixes: string[] = [];
  const dirMode = await modeOf(env.dataDir);
  if (dirMode !== null && (dirMode & 0o077) !== 0) {
    problems.push(`${env.dataDir} is 0${dirMode.toString(8)}`);
    fixes.push(`chmod 700 ${shellQuote(env.dataDir)}`);
  }
  if (env.databaseUrl === undefined) {
    const database = join(env.dataDir, SQLITE_FILE_NAME);
    const wide: string[] = [];
    for (const file of [database, ...SQLITE_COMPANION_SUFFIXES.map((suffix) => `${database}${suffix}`)]) {
      const mode = await modeOf(file);
      if (mode !== null && (mode & 0o077) !== 0) {
        problems.push(`${file} is 0${mode.toString(8)}`);
        wide.push(shellQuote(file));
      }
    }
    if (wide.length > 0) fixes.push(`chmod 600 ${wide.join(' ')}`);
  }
  if (problems.length === 0) {
    return ok(NAME, dirMode === null ? 'no data directory yet' : `${env.dataDir} is open to parley's user only`);
  }
  return warn(NAME, `readable by other users: ${problems.join(', ')}`, `run \`${fixes.join(' && ')}\``);
}
