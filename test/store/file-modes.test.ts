/**
 * The SQLite database holds vault ciphertext, sessions and the audit trail: parley.db and its WAL and
 * shm files are 0600 whatever the umask, a data directory parley creates is 0700, and a file an earlier
 * parley left 0644 is narrowed on the next open. A directory parley did not create is left as it is
 * (doctor reports it; test/cli/doctor/doctor-file-modes.test.ts).
 */
import { chmod, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/lib/create-logger.js';
import { openDatabase } from '../../src/store/open-database.js';
import { SQLITE_FILE_NAME } from '../../src/store/sqlite-dialect.js';

const logger = createLogger({ level: 'silent' });
const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

describe('database file modes [sqlite]', () => {
  let root: string;
  let umask: number;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'parley-modes-'));
    // The most permissive umask: whatever parley sets, it sets itself.
    umask = process.umask(0o000);
  });
  afterEach(async () => {
    process.umask(umask);
    await rm(root, { recursive: true, force: true });
  });

  it('creates every file of the store private to its owner: the directory 0700, the files 0600', async () => {
    const dataDir = join(root, 'data');
    const store = await openDatabase({ dataDir, logger });
    try {
      const db = join(dataDir, SQLITE_FILE_NAME);
      expect(await modeOf(dataDir)).toBe(0o700);
      expect(await modeOf(db)).toBe(0o600);
      expect(await modeOf(`${db}-wal`)).toBe(0o600);
      expect(await modeOf(`${db}-shm`)).toBe(0o600);
    } finally {
      await store.close();
    }
  });

  /** A store opened again in a 0755 directory it did not create, after its files were left 0644. */
  async function reopenedAfterChmod() {
    const dataDir = join(root, 'data');
    await mkdir(dataDir, { mode: 0o755 });
    const db = join(dataDir, SQLITE_FILE_NAME);
    const first = await openDatabase({ dataDir, logger });
    await chmod(db, 0o644);
    await chmod(`${db}-wal`, 0o644);
    const second = await openDatabase({ dataDir, logger, migrate: false });
    const close = async () => {
      await second.close();
      await first.close();
    };
    return { dataDir, db, close };
  }

  it('narrows database files left 0644 to 0600 on open', async () => {
    const { db, close } = await reopenedAfterChmod();
    try {
      expect(await modeOf(db)).toBe(0o600);
      expect(await modeOf(`${db}-wal`)).toBe(0o600);
    } finally {
      await close();
    }
  });

  it('leaves a data directory it did not create as it is', async () => {
    const { dataDir, close } = await reopenedAfterChmod();
    try {
      expect(await modeOf(dataDir)).toBe(0o755);
    } finally {
      await close();
    }
  });
});
