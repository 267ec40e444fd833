/**
 * Admin statements on the test PostgreSQL server, shared by the global setup (which runs outside the
 * test workers) and test/helpers/databases.ts.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { silentLogger } from '../../src/lib/create-logger.js';
import { openDatabase } from '../../src/store/open-database.js';

export async function withAdminClient<T>(adminUrl: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** The URL of database `name` on the server `adminUrl` points at. */
export function databaseUrlFor(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Creates a database and migrates it to latest with the store's own migrator, then closes every
 * connection to it: PostgreSQL copies a template only while nobody is connected to it
 * (https://www.postgresql.org/docs/current/manage-ag-templatedbs.html).
 */
export async function createMigratedTemplate(adminUrl: string): Promise<string> {
  const name = `parley_template_${randomBytes(6).toString('hex')}`;
  await withAdminClient(adminUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const store = await openDatabase({
    databaseUrl: databaseUrlFor(adminUrl, name),
    logger: silentLogger(),
    migrate: true,
  });
  await store.close();
  return name;
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await withAdminClient(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}
