import { type Kysely, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/store/migrations/index.js';
import { migrateDown, migrateToLatest } from '../../src/store/migrator.js';
import { StoreError } from '../../src/store/store-error.js';
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from '../helpers/databases.js';

const OUR_TABLES = [
  'api_tokens',
  'attendee_links',
  'attendee_notes',
  'connections',
  'console_changes',
  'highlevel_calls',
  'inbox',
  'index_contacts',
  'index_conversations',
  'index_messages',
  'index_sponsor_conversations',
  'jobs',
  'login_attempts',
  'marketplace_firings',
  'marketplace_subscriptions',
  'oauth_states',
  'preferences',
  'rate_limit_state',
  'run_steps',
  'sessions',
  'settings',
  'users',
  'vault_keys',
  'workflow_runs',
  'workflow_versions',
  'workflows',
];
const ALL = Object.keys(MIGRATIONS);

/** Tables other than Kysely's own bookkeeping (kysely_migration, kysely_migration_lock). */
async function tableNames(db: Kysely<any>): Promise<string[]> {
  const tables = await db.introspection.getTables();
  // SQLite's FTS5 tables for the local index and their shadow tables exist on SQLite only
  // (0005-local-index.ts, 0006-index-search-speed.ts, 0007-topic-search-by-conversation.ts).
  return tables
    .map((table) => table.name)
    .filter((name) => !['index_search', 'index_names', 'index_topics'].some((fts) => name.startsWith(fts)))
    .sort();
}

async function indexNames(test: TestDatabase): Promise<string[]> {
  const db = test.store.db;
  const query =
    test.kind === 'sqlite'
      ? sql<{
          name: string;
        }>`select name from sqlite_master where type = 'index' and tbl_name = 'highlevel_calls' and sql is not null`
      : sql<{
          name: string;
        }>`select indexname as name from pg_indexes where tablename = 'highlevel_calls' and indexname like '%_idx'`;
  const { rows } = await query.execute(db);
  return rows.map((row) => row.name).sort();
}

for (const kind of DATABASE_KINDS) {
  describe(`migrations [${kind}]`, () => {
    let test: TestDatabase | undefined;
    afterEach(async () => {
      await test?.dispose();
      test = undefined;
    });

    it('go up from an empty database to every table', async () => {
      test = await openTestDatabase(kind, { migrate: false });
      const { db } = test.store;
      expect(await tableNames(db)).toEqual([]);

      expect(await migrateToLatest(db)).toEqual(ALL);
      expect(await tableNames(db)).toEqual(OUR_TABLES);
      expect(await indexNames(test)).toEqual([
        'highlevel_calls_location_id_at_idx',
        'highlevel_calls_operation_id_at_idx',
      ]);
    });

    it('go down to zero tables', async () => {
      test = await openTestDatabase(kind, { migrate: false });
      const { db } = test.store;
      await migrateToLatest(db);
      expect(await migrateDown(db, ALL.length + 5)).toEqual([...ALL].reverse());
      expect(await tableNames(db)).toEqual([]);
    });

    it('go up again after going down, with nothing left to run after', async () => {
      test = await openTestDatabase(kind, { migrate: false });
      const { db } = test.store;
      await migrateToLatest(db);
      await migrateDown(db, ALL.length + 5);
      expect(await migrateToLatest(db)).toEqual(ALL);
      expect(await tableNames(db)).toEqual(OUR_TABLES);
      expect(await migrateToLatest(db)).toEqual([]);
    });

    it('runs at open by default, so a fresh store already has every table', async () => {
      test = await openTestDatabase(kind);
      expect(await tableNames(test.store.db)).toEqual(OUR_TABLES);
      expect(await migrateToLatest(test.store.db)).toEqual([]);
    });

    /** Migrations from empty with one more whose up creates a table, then fails; what migrating threw. */
    async function failedMigration() {
      test = await openTestDatabase(kind, { migrate: false });
      const { db } = test.store;
      const broken = {
        ...MIGRATIONS,
        '9999-broken': {
          up: async (trx: Kysely<any>) => {
            await trx.schema
              .createTable('half_done')
              .addColumn('id', 'text', (col) => col.primaryKey())
              .execute();
            await sql`select * from no_such_table`.execute(trx);
          },
        },
      };

      const failure = await migrateToLatest(db, broken).catch((error: unknown) => error);
      return { db, failure };
    }

    it('throws migration_failed naming the failed migration', async () => {
      const { failure } = await failedMigration();
      expect(failure).toBeInstanceOf(StoreError);
      expect((failure as StoreError).code).toBe('migration_failed');
      expect((failure as StoreError).message).toContain('9999-broken');
    });

    it('leaves none of the tables of a failed migration batch behind', async () => {
      const { db } = await failedMigration();
      // Kysely runs the whole batch in one transaction; both databases have transactional DDL.
      expect(await tableNames(db)).toEqual([]);
    });

    it('rejects a step count that is not a positive integer, naming the argument', async () => {
      test = await openTestDatabase(kind);
      for (const steps of [0, -1, 1.5]) {
        const failure = await migrateDown(test.store.db, steps).catch((error: unknown) => error);
        expect(failure).toBeInstanceOf(StoreError);
        expect((failure as StoreError).code).toBe('invalid_argument');
        expect((failure as StoreError).message).toContain('steps must be a positive integer');
      }
      expect(await tableNames(test.store.db)).toEqual(OUR_TABLES);
    });
  });
}
