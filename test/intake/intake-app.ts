/**
 * A Fastify app with POST /hooks/accelevents/:secret on a real store, for the intake tests: a fresh
 * secret from createAcceleventsWebhookSecret, the small test queue, and helpers that read back what
 * was stored. Close it in afterAll.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { Insertable, Kysely } from 'kysely';

import { registerAcceleventsWebhookRoute } from '../../src/intake/accelevents-webhook-route.js';
import { createAcceleventsWebhookSecret } from '../../src/intake/webhook-secret.js';
import type { AcceleventsWebhookSettings } from '../../src/intake/webhook-settings.js';
import { createLogger } from '../../src/lib/create-logger.js';
import type { Store } from '../../src/store/open-database.js';
import type { Database, InboxTable } from '../../src/store/schema.js';
import { newSortableId } from '../../src/store/sortable-id.js';
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
    mappingCacheMs?: number;
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
    mappingCacheMs: options.mappingCacheMs,
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

/**
 * An inbox row written directly, for tests that need a given status, reason or time: a processed
 * Accelevents registration unless `row` says otherwise. Returns its id.
 */
export async function insertInboxRow(
  db: Kysely<Database>,
  row: Partial<Insertable<InboxTable>> = {},
  /** The body for the new row's id, when it should name it (the default does). */
  bodyFor: (id: string) => string = (id) =>
    JSON.stringify({ topic: 'attendee.registered', barcode: `bc-${id}`, email: `${id}@example.com` }),
): Promise<string> {
  const id = newSortableId();
  await db
    .insertInto('inbox')
    .values({
      id,
      source: 'accelevents',
      dedupe_key: `test:${id}`,
      topic: 'registration',
      content_type: 'application/json',
      headers: '{}',
      body: bodyFor(id),
      mapped: null,
      status: 'processed',
      received_at: Date.now(),
      ...row,
    })
    .execute();
  return id;
}
