/**
 * Several writers at once. SQLite: a second process on the same file, as a CLI command beside
 * `parley start` would be; each waits for the other's write lock asynchronously
 * (src/store/sqlite-busy-retry.ts). PostgreSQL: concurrent inserts through one pool.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/lib/create-logger.js';
import { openDatabase, type Store } from '../../src/store/open-database.js';
import { openTestDatabase, type TestDatabase } from '../helpers/databases.js';

const TRANSACTIONS_PER_WRITER = 40;
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OPEN_DATABASE_URL = new URL('../../src/store/open-database.ts', import.meta.url).href;

/** Two inserts per transaction with an event-loop turn between them, so the other writer can collide. */
async function writeTransactions(store: Store, writer: string): Promise<void> {
  for (let n = 0; n < TRANSACTIONS_PER_WRITER; n++) {
    await store.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('settings')
        .values({ key: `${writer}.${n}.a`, value: writer, updated_at: n })
        .execute();
      await new Promise((resolve) => setImmediate(resolve));
      await trx
        .insertInto('settings')
        .values({ key: `${writer}.${n}.b`, value: writer, updated_at: n })
        .execute();
    });
  }
}

/** The same loop as writeTransactions, in a child process; it starts writing when it reads "go". */
const CHILD_SOURCE = `
const { openDatabase } = await import(process.env.OPEN_DATABASE_URL);
const store = await openDatabase({ dataDir: process.env.DATA_DIR });
process.stdout.write('ready\\n');
await new Promise((resolve) => process.stdin.once('data', resolve));
for (let n = 0; n < ${TRANSACTIONS_PER_WRITER}; n++) {
  await store.db.transaction().execute(async (trx) => {
    await trx.selectFrom('settings').select('key').limit(1).execute();
    await new Promise((resolve) => setImmediate(resolve));
    await trx.insertInto('settings').values({ key: 'child.' + n + '.a', value: 'child', updated_at: n }).execute();
    await new Promise((resolve) => setImmediate(resolve));
    await trx.insertInto('settings').values({ key: 'child.' + n + '.b', value: 'child', updated_at: n }).execute();
  });
}
await store.close();
`;

interface ChildWriter {
  ready: Promise<void>;
  go(): void;
  exit: Promise<{ code: number | null; stderr: string }>;
}

function startChildWriter(dataDir: string): ChildWriter {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD_SOURCE], {
    cwd: ROOT,
    env: { ...process.env, OPEN_DATABASE_URL, DATA_DIR: dataDir },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exit = new Promise<{ code: number | null; stderr: string }>((resolve) => {
    child.on('close', (code) => resolve({ code, stderr }));
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve();
    });
    void exit.then(({ code }) => reject(new Error(`child writer exited (${code}) before ready: ${stderr}`)));
  });
  return { ready, go: () => child.stdin.end('go\n'), exit };
}

describe('concurrent writers [sqlite]', () => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await openTestDatabase('sqlite');
  });
  afterAll(async () => {
    await test.dispose();
  });

  it('lets two processes on the same file write interleaved transactions, all of them landing whole', async () => {
    const child = startChildWriter(test.location.dataDir!);
    await child.ready;
    child.go();
    await writeTransactions(test.store, 'parent');
    const { code, stderr } = await child.exit;
    expect(stderr).toBe('');
    expect(code).toBe(0);

    const { rows } = await sql<{ rowid: number; key: string }>`select rowid, key from settings order by rowid`.execute(
      test.store.db,
    );
    expect(rows).toHaveLength(2 * 2 * TRANSACTIONS_PER_WRITER);
    // begin immediate serialises whole transactions: each one's two rows sit next to each other.
    for (let i = 0; i < rows.length; i += 2) {
      const [first, second] = [rows[i]!, rows[i + 1]!];
      expect(second.key).toBe(first.key.replace(/\.a$/, '.b'));
      expect(second.rowid).toBe(first.rowid + 1);
    }
  });

  it('lets a second handle on an existing, migrated file see what the first one wrote', async () => {
    await test.store.db.insertInto('settings').values({ key: 'reopen', value: 'seen', updated_at: 1 }).execute();
    const again = await openDatabase({ dataDir: test.location.dataDir!, logger: createLogger({ level: 'silent' }) });
    try {
      const row = await again.db.selectFrom('settings').select('value').where('key', '=', 'reopen').executeTakeFirst();
      expect(row).toEqual({ value: 'seen' });
    } finally {
      await again.close();
    }
  });
});

describe('concurrent writers [postgres]', () => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await openTestDatabase('postgres');
  });
  afterAll(async () => {
    await test.dispose();
  });

  it('lands all 20 concurrent inserts through one pool', async () => {
    const keys = Array.from({ length: 20 }, (_, n) => `pg.${String(n).padStart(2, '0')}`);
    await Promise.all(
      keys.map((key, n) => test.store.db.insertInto('settings').values({ key, value: 'v', updated_at: n }).execute()),
    );
    const rows = await test.store.db.selectFrom('settings').select('key').orderBy('key').execute();
    expect(rows.map((row) => row.key)).toEqual(keys);
  });

  it('lets two stores on the same database write interleaved transactions, all of them landing', async () => {
    const other = await openDatabase({
      databaseUrl: test.location.databaseUrl!,
      logger: createLogger({ level: 'silent' }),
    });
    try {
      await Promise.all([writeTransactions(test.store, 'one'), writeTransactions(other, 'two')]);
      const row = await test.store.db
        .selectFrom('settings')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('value', 'in', ['one', 'two'])
        .executeTakeFirstOrThrow();
      expect(row.n).toBe(2 * 2 * TRANSACTIONS_PER_WRITER);
    } finally {
      await other.close();
    }
  });
});
