/**
 * Child process for the durable-intake scenario: one Fastify server with parley's real
 * POST /hooks/accelevents/:secret (inbox row + job in one transaction, src/intake) on a fresh SQLite
 * store in WAL mode (or on the PostgreSQL database the parent names), and beside it a no-op route
 * (`return {}`) that parses the same JSON body. Both routes share this process and its event loop; the
 * load generator is the parent.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { openStoreRuntime } from '../src/app/open-store-runtime.js';
import { registerAcceleventsWebhookRoute } from '../src/intake/accelevents-webhook-route.js';
import { createAcceleventsWebhookSecret } from '../src/intake/webhook-secret.js';
import { silentLogger } from '../src/lib/create-logger.js';
import { benchInput, reportToParent } from './child-process.js';

/** Also in durable-intake.ts: importing this file would start a server, so the path is not shared. */
const NOOP_PATH = '/bench/noop';

export interface IntakeServerInput {
  /** A PostgreSQL database to store into; SQLite in a temporary data directory when absent. */
  databaseUrl?: string;
}

export interface IntakeServerReady {
  url: string;
  intakePath: string;
}

const { databaseUrl } = benchInput<IntakeServerInput>();
const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-intake-'));
// The composition root's store and queue, as `parley start` has them, on a store of its own.
const { store, queue, logger } = await openStoreRuntime({
  env: { PARLEY_DATA_DIR: dataDir, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) },
  logger: silentLogger(),
});
const secret = await createAcceleventsWebhookSecret(store.db);
const app = Fastify({ logger: false });
await registerAcceleventsWebhookRoute(app, { db: store.db, queue, logger });
app.post(NOOP_PATH, async () => ({}));
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;

const ready: IntakeServerReady = { url: `http://127.0.0.1:${port}`, intakePath: `/hooks/accelevents/${secret}` };
reportToParent(ready, async () => {
  await app.close();
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});
