/**
 * SQLite lock waits never block the event loop: a statement that finds the file write-locked by another
 * process waits asynchronously, lets this process's other statements run meanwhile, lands once the
 * lock is released, and gives up with `database_busy` after its patience.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/lib/create-logger.js';
import { openDatabase, type Store } from '../../src/store/open-database.js';
import { SQLITE_FILE_NAME } from '../../src/store/sqlite-dialect.js';
import { openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { holdSqliteWriteLock, type LockHolder } from './sqlite-lock-holder.js';

const logger = createLogger({ level: 'silent' });

describe('a write while another process holds the SQLite write lock [sqlite]', () => {
  let database: TestDatabase | undefined;
  let other: Store | undefined;
  let holder: LockHolder | undefined;
  afterEach(async () => {
    if (holder && holder.child.exitCode === null) holder.child.kill();
    await other?.close();
    await database?.dispose();
  });

  async function lockedDatabase(busyPatienceMs?: number): Promise<Store> {
    database = await openTestDatabase('sqlite');
    const dataDir = database.location.dataDir ?? '';
    other = await openDatabase({ dataDir, logger, migrate: false, busyPatienceMs });
    holder = holdSqliteWriteLock(join(dataDir, SQLITE_FILE_NAME));
    await holder.locked;
    return other;
  }

  /** A write waiting on the lock, then a timer turn and a read of this process while it waits. */
  async function writeWaitingOnTheLock() {
    const store = await lockedDatabase();
    const settled: string[] = [];
    const write = store.db
      .insertInto('settings')
      .values({ key: 'waited', value: 'yes', updated_at: 1 })
      .execute()
      .then(() => settled.push('write'));
    await new Promise((resolve) => setTimeout(resolve, 0));
    settled.push('timer');
    const read = await store.db.selectFrom('settings').select('key').where('key', '=', 'waited').execute();
    settled.push('read');
    const settledWhileLocked = [...settled];
    return { store, settled, settledWhileLocked, read, write };
  }

  it('keeps this process responsive while a write waits for the lock: timers run, reads answer', async () => {
    const { read, settledWhileLocked, write } = await writeWaitingOnTheLock();
    expect(read).toEqual([]);
    expect(settledWhileLocked).toEqual(['timer', 'read']);
    holder?.release();
    await write;
  });

  it('lands a waiting write once the lock is released', async () => {
    const { store, settled, write } = await writeWaitingOnTheLock();
    holder?.release();
    await write;
    expect(settled).toEqual(['timer', 'read', 'write']);
    const row = await store.db.selectFrom('settings').select('value').where('key', '=', 'waited').executeTakeFirst();
    expect(row?.value).toBe('yes');
  });

  it('fails with database_busy when the lock outlasts its patience', async () => {
    const store = await lockedDatabase(200);
    const failure = await store.db
      .insertInto('settings')
      .values({ key: 'gave-up', value: 'no', updated_at: 1 })
      .execute()
      .then(
        () => null,
        (error: unknown) => error as { code?: string; message: string },
      );
    expect(failure?.code).toBe('database_busy');
    expect(failure?.message).toMatch(/locked by another connection/);
  });
});
