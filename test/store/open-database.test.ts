import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/lib/create-logger.js';
import { openDatabase } from '../../src/store/open-database.js';
import { redactDatabaseUrl } from '../../src/store/redact-database-url.js';
import { SQLITE_BUSY_TIMEOUT_MS } from '../../src/store/sqlite-busy-retry.js';
import { StoreError } from '../../src/store/store-error.js';
import { openTestDatabase, type TestDatabase } from '../helpers/databases.js';

const logger = createLogger({ level: 'silent' });

async function openFailure(options: Parameters<typeof openDatabase>[0]): Promise<StoreError> {
  const failure = await openDatabase({ logger, ...options }).then(
    async (store) => {
      await store.close();
      throw new Error('expected openDatabase to fail');
    },
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(StoreError);
  return failure as StoreError;
}

/** A port on 127.0.0.1 that nothing listens on: bound, read, then released. */
async function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

describe('openDatabase [sqlite]', () => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await openTestDatabase('sqlite');
  });
  afterAll(async () => {
    await test.dispose();
  });

  it('creates the data dir with mode 0700, parley.db inside it', async () => {
    const dataDir = test.location.dataDir!;
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dataDir, 'parley.db'))).isFile()).toBe(true);
  });

  it('opens the database in WAL mode', async () => {
    const { rows } = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(test.store.db);
    expect(rows[0]?.journal_mode).toBe('wal');
    expect(test.store.dialect).toBe('sqlite');
  });

  it('sets the connection pragmas: synchronous NORMAL, foreign keys on, a short busy timeout (lock waits are asynchronous)', async () => {
    const pragma = async (name: string) => {
      const { rows } = await sql<Record<string, unknown>>`pragma ${sql.raw(name)}`.execute(test.store.db);
      return Object.values(rows[0] ?? {})[0];
    };
    expect(await pragma('synchronous')).toBe(1); // 1 = NORMAL
    expect(await pragma('foreign_keys')).toBe(1);
    expect(await pragma('busy_timeout')).toBe(SQLITE_BUSY_TIMEOUT_MS);
  });

  it('closes safely when close is called twice', async () => {
    const other = await openTestDatabase('sqlite');
    await other.store.close();
    await expect(other.store.close()).resolves.toBeUndefined();
    await other.dispose();
  });

  it('answers database_unreachable naming the path when the data dir is a file', async () => {
    const root = await mkdtemp(join(tmpdir(), 'parley-sqlite-'));
    try {
      const notADir = join(root, 'data');
      await writeFile(notADir, 'not a directory');
      const failure = await openFailure({ dataDir: notADir });
      expect(failure.code).toBe('database_unreachable');
      expect(failure.message).toContain(join(notADir, 'parley.db'));
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('openDatabase [postgres]', () => {
  it('opens a postgres store through the pool when given a postgresql:// URL', async () => {
    const test = await openTestDatabase('postgres');
    try {
      expect(test.store.dialect).toBe('postgres');
      const { rows } = await sql<{ one: number }>`select 1 as one`.execute(test.store.db);
      expect(rows).toEqual([{ one: 1 }]);
    } finally {
      await test.dispose();
    }
  });

  it('answers database_unreachable with the redacted URL when nothing listens on the port', async () => {
    const port = await closedPort();
    const failure = await openFailure({ databaseUrl: `postgres://parley:s3cret-pw@127.0.0.1:${port}/parley` });
    expect(failure.code).toBe('database_unreachable');
    expect(failure.message).toContain(`postgres://parley:***@127.0.0.1:${port}/parley`);
    expect(failure.message).not.toContain('s3cret-pw');
  });
});

describe('openDatabase URL validation', () => {
  it('answers invalid_database_url naming the accepted schemes, without the password', async () => {
    const failure = await openFailure({ databaseUrl: 'mysql://root:hunter2@db.example:3306/parley' });
    expect(failure.code).toBe('invalid_database_url');
    expect(failure.message).toContain('postgres://');
    expect(failure.message).toContain('postgresql://');
    expect(failure.message).toContain('mysql://root:***@db.example:3306/parley');
    expect(failure.message).not.toContain('hunter2');
  });

  it('answers invalid_database_url for an empty URL instead of silently picking SQLite', async () => {
    const failure = await openFailure({ databaseUrl: '' });
    expect(failure.code).toBe('invalid_database_url');
    expect(failure.message).toContain('an empty string');
  });

  it('answers invalid_database_url for a postgres URL that does not parse, without the password', async () => {
    const failure = await openFailure({ databaseUrl: 'postgres://parley:hunter2@db.example:notaport/parley' });
    expect(failure.code).toBe('invalid_database_url');
    expect(failure.message).toContain('does not parse');
    expect(failure.message).not.toContain('hunter2');
  });
});

describe('redactDatabaseUrl', () => {
  it.each([
    ['postgres://user:pass@host:5432/db', 'postgres://user:***@host:5432/db'],
    ['postgresql://user:p@ss:w@rd@host/db', 'postgresql://user:***@host/db'],
    ['postgres://user@host/db', 'postgres://user@host/db'],
    [
      'postgres://host/db?user=u&password=secret&sslmode=require',
      'postgres://host/db?user=u&password=***&sslmode=require',
    ],
    ['user:pass@host/db', 'user:***@host/db'],
  ])('hides the password in %s', (input, expected) => {
    expect(redactDatabaseUrl(input)).toBe(expected);
  });
});
