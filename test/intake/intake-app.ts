/**
 * A Fastify app with POST /hooks/accelevents/:secret on a real store, for the intake tests: a fresh
 * secret from createAcceleventsWebhookSecret, the small test queue, and helpers that read back what
 * was stored. Close it in afterAll.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { AcceleventsWebhookSettings } from '../../src/config/config-types.js';
import { registerAcceleventsWebhookRoute } from '../../src/intake/accelevents-webhook-route.js';
import { createAcceleventsWebhookSecret } from '../../src/intake/webhook-secret.js';
import { createLogger } from '../../src/logging/create-logger.js';
import type { Store } from '../../src/store/open-database.js';
import { createInboxTestQueue, type InboxTestQueue } from './inbox-test-queue.js';

export const silent = createLogger({ level: 'silent' });

export interface IntakeApp {
  app: FastifyInstance;
  secret: string;
  queue: InboxTestQueue;
  /** `/hooks/accelevents/<secret>` */
  path: string;
}

/** Pass `secret` to share one across apps on the same database (each new secret replaces the last). */
export async function buildIntakeApp(
  store: Store,
  options: {
    secret?: string;
    config?: AcceleventsWebhookSettings;
    env?: NodeJS.ProcessEnv;
    now?: () => number;
    secretCacheMs?: number;
  } = {},
): Promise<IntakeApp> {
  const app = Fastify({ logger: false });
  const queue = createInboxTestQueue(store.db);
  const secret = options.secret ?? (await createAcceleventsWebhookSecret(store.db));
  await registerAcceleventsWebhookRoute(app, {
    db: store.db,
    queue,
    config: options.config,
    env: options.env,
    now: options.now,
    secretCacheMs: options.secretCacheMs,
    logger: silent,
  });
  return { app, secret, queue, path: `/hooks/accelevents/${secret}` };
}

/** Every inbox row of a source, oldest first, with JSON columns parsed. */
export async function inboxRows(store: Store, source: 'accelevents' | 'highlevel' = 'accelevents') {
  const rows = await store.db
    .selectFrom('inbox')
    .selectAll()
    .where('source', '=', source)
    .orderBy('received_at')
    .execute();
  return rows.map((row) => ({
    ...row,
    headers: JSON.parse(row.headers) as Record<string, string>,
    mapped: row.mapped === null ? null : (JSON.parse(row.mapped) as any),
  }));
}

export async function jobRows(store: Store, kind: string) {
  const rows = await store.db.selectFrom('jobs').selectAll().where('kind', '=', kind).execute();
  return rows.map((row) => ({ ...row, payload: JSON.parse(row.payload) as { inboxId: string } }));
}

export async function clearPipeline(store: Store): Promise<void> {
  await store.db.deleteFrom('jobs').execute();
  await store.db.deleteFrom('inbox').execute();
}
