/**
 * Runs the migrations in `./migrations` on either dialect. Kysely wraps each run in a transaction
 * and a lock (an advisory lock on PostgreSQL), so two processes starting at once do not both migrate.
 */
import { type Kysely, type Migration, type MigrationResultSet, Migrator } from 'kysely';
import { MIGRATIONS } from './migrations/index.js';
import { StoreError } from './store-error.js';

/** Migrations by name; names sort in the order they run. */
export type MigrationSet = Readonly<Record<string, Migration>>;

function createMigrator(db: Kysely<any>, migrations: MigrationSet): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => ({ ...migrations }) } });
}

/**
 * Applies every pending migration; returns the names applied, in order.
 * `migrations` defaults to parley's own list; tests pass others to prove failure handling.
 */
export async function migrateToLatest(db: Kysely<any>, migrations: MigrationSet = MIGRATIONS): Promise<string[]> {
  return appliedNames(await createMigrator(db, migrations).migrateToLatest(), 'up');
}

/**
 * Reverts the last `steps` applied migrations (fewer if fewer are applied); returns the names
 * reverted, newest first.
 */
export async function migrateDown(
  db: Kysely<any>,
  steps: number,
  migrations: MigrationSet = MIGRATIONS,
): Promise<string[]> {
  if (!Number.isInteger(steps) || steps < 1) {
    throw new StoreError('invalid_argument', `migrateDown steps must be a positive integer; got ${String(steps)}`);
  }
  const migrator = createMigrator(db, migrations);
  const reverted: string[] = [];
  for (let step = 0; step < steps; step++) {
    const names = appliedNames(await migrator.migrateDown(), 'down');
    if (names.length === 0) break;
    reverted.push(...names);
  }
  return reverted;
}

/** Names of the migrations that ran, or a `migration_failed` error naming the one that did not. */
function appliedNames(resultSet: MigrationResultSet, direction: 'up' | 'down'): string[] {
  const { error, results = [] } = resultSet;
  if (error !== undefined) {
    const failed = results.find((result) => result.status === 'Error')?.migrationName;
    const reason = error instanceof Error ? error.message : String(error);
    const which = failed ? `Migration ${failed} (${direction})` : `Migrating ${direction}`;
    throw new StoreError('migration_failed', `${which} failed: ${reason}`, { cause: error });
  }
  return results.filter((result) => result.status === 'Success').map((result) => result.migrationName);
}
