/**
 * POST /hooks/accelevents/:secret. Accelevents signs nothing and documents no payload
 * (docs/accelevents-assumptions.md), so, in order:
 * 1. the secret in the path, checked in constant time before the body is read; a wrong one gets the
 *    app's ordinary 404, so the path does not reveal that it exists;
 * 2. the optional HMAC over the raw bytes (`accelevents.webhook.hmac`): 401 `invalid_signature`;
 * 3. the body, at most 1 MB: JSON whatever its content type, a top-level array as a batch of records,
 *    or form-encoded; else 415, or 400 naming what was wrong (parse-body.ts);
 * 4. one inbox row per record and person (plan-deliveries.ts), mapped with the effective mapping (the
 *    file's plus the console's, re-read at most once a second: effective-mapping.ts): an order naming
 *    three ticket holders is three rows, three jobs, three welcomes. A row that can start no run (topic not recognised, no
 *    attendee) is stored as `ignored` with its reason, logged at warn, and can be reprocessed;
 * 5. one transaction per batch: the rows and their `accelevents.event` jobs. Concurrent deliveries
 *    share it (group commit, delivery-batcher.ts); each is answered only after its batch committed.
 * Then 202 `{ accepted, id, deliveries }`, or 200 `{ duplicate: true }` when every row was already stored.
 */
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';

import type { Logger } from '../lib/create-logger.js';
import type { Queue } from '../queue/types.js';
import type { Database } from '../store/schema.js';
import { createDeliveryBatcher } from './delivery-batcher.js';
import { createMappingSource, type EffectiveMapping } from './effective-mapping.js';
import { createHmacCheck } from './hmac-check.js';
import { IntakeError } from './intake-error.js';
import { parseWebhookBody } from './parse-body.js';
import { ACCELEVENTS_EVENT_JOB, planDeliveries } from './plan-deliveries.js';
import { storableHeaders } from './storable-headers.js';
import type { StoredDelivery } from './store-delivery.js';
import { createWebhookSecretCheck } from './webhook-secret.js';
import type { AcceleventsWebhookSettings } from './webhook-settings.js';

export const ACCELEVENTS_WEBHOOK_PATH = '/hooks/accelevents/:secret';
export { ACCELEVENTS_EVENT_JOB };
/** Standard Webhooks asks senders to keep payloads under ~20 KB (https://www.standardwebhooks.com/); 1 MB is generous. */
export const WEBHOOK_BODY_LIMIT = 1024 * 1024;
const UNAVAILABLE = { error: 'intake_unavailable', message: 'the delivery could not be stored; retry later' };

export interface AcceleventsWebhookRouteDeps {
  db: Kysely<Database>;
  queue: Queue;
  /** `accelevents.webhook` from the file config (undefined: every default). */
  config?: AcceleventsWebhookSettings;
  logger: Logger;
  now?: () => number;
  newId?: () => string;
  /** Where the HMAC secret's variable is read; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** How long the stored secret digest is cached; default 5 s. */
  secretCacheMs?: number;
  /** Most deliveries committed in one transaction; default 100 (delivery-batcher.ts). */
  maxBatch?: number;
  /** How long the mapping saved in the console is reused before it is read again; default 1 s. */
  mappingCacheMs?: number;
}

export async function registerAcceleventsWebhookRoute(
  app: FastifyInstance,
  deps: AcceleventsWebhookRouteDeps,
): Promise<void> {
  for (const name of ['db', 'queue', 'logger'] as const) {
    if (!deps?.[name]) {
      throw new IntakeError('missing_dependency', `registerAcceleventsWebhookRoute: deps.${name} is required`);
    }
  }
  const { db, queue, logger } = deps;
  const now = deps.now ?? Date.now;
  const mappings = createMappingSource({
    db,
    settings: deps.config,
    logger,
    now,
    ...(deps.mappingCacheMs === undefined ? {} : { refreshMs: deps.mappingCacheMs }),
  });
  // What the mapping does not cover (HMAC, delivery-id header) comes from the file alone.
  const config = mappings.base;
  const hmac = createHmacCheck(config.hmac, deps.env);
  const secretMatches = createWebhookSecretCheck(db, { now, cacheMs: deps.secretCacheMs });
  const batcher = createDeliveryBatcher({ db, queue, logger, now, newId: deps.newId, maxBatch: deps.maxBatch });

  await app.register(async (scope) => {
    // Every body arrives as raw bytes: the HMAC and the inbox need them exactly as sent.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT }, (_req, body, done) =>
      done(null, body),
    );
    // Before the body is read, so a wrong secret learns nothing (not even a 413 or 415).
    scope.addHook('onRequest', async (request, reply) => {
      const { secret } = request.params as { secret?: string };
      let matches: boolean;
      try {
        matches = await secretMatches(secret);
      } catch (error) {
        // The store is down. Senders are unauthenticated: a generic 503, never the database's address.
        logger.error({ err: error }, 'Accelevents webhook secret could not be checked');
        return reply.code(503).send(UNAVAILABLE);
      }
      if (!matches) return reply.callNotFound();
    });

    scope.post(ACCELEVENTS_WEBHOOK_PATH, { bodyLimit: WEBHOOK_BODY_LIMIT }, async (request, reply) => {
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      if (hmac) {
        const check = hmac(raw, request.headers);
        if (!check.ok) {
          logger.warn({ reason: check.reason }, 'Accelevents webhook rejected: invalid HMAC');
          return reply.code(401).send({ error: 'invalid_signature', message: check.reason });
        }
      }
      const contentType = request.headers['content-type'];
      const parsed = parseWebhookBody(raw, contentType);
      if (!parsed.ok) return reply.code(parsed.status).send({ error: parsed.error, message: parsed.message });
      let effective: EffectiveMapping;
      try {
        effective = await mappings.current();
      } catch (error) {
        logger.error({ err: error }, 'the Accelevents payload mapping could not be read');
        return reply.code(503).send(UNAVAILABLE);
      }

      const planned = planDeliveries({
        records: parsed.records,
        format: parsed.format,
        rawText: parsed.text,
        contentType: contentType ?? null,
        headers: request.headers,
        storedHeaders: storableHeaders(request.headers),
        mapping: effective.mapping,
        deliveryIdHeader: config.deliveryIdHeader,
      });
      let stored: StoredDelivery[];
      try {
        stored = await Promise.all(planned.map((item) => batcher.store(item.delivery, item.job)));
      } catch (error) {
        // A row that did commit is safe and a redelivery finds it; 503 asks the sender to try again.
        logger.error({ err: error }, 'Accelevents webhook could not be stored');
        return reply.code(503).send(UNAVAILABLE);
      }
      const deliveries = planned.map((item, index) => {
        const result = stored[index] as StoredDelivery;
        const { reason } = item.delivery;
        if (!result.duplicate && reason) {
          logger.warn(
            { inboxId: result.id, topic: item.delivery.topic, reasonCode: reason.code },
            `Accelevents delivery stored with no run: ${reason.message}`,
          );
        }
        return {
          id: result.id,
          topic: item.mapped.topic,
          person: item.mapped.person.path,
          duplicate: result.duplicate,
          status: result.duplicate ? 'duplicate' : item.delivery.status,
          ...(reason ? { reasonCode: reason.code, reason: reason.message } : {}),
        };
      });
      const first = deliveries[0];
      if (deliveries.every((d) => d.duplicate)) return reply.code(200).send({ duplicate: true, id: first?.id ?? null });
      return reply.code(202).send({ accepted: true, id: first?.id ?? null, topic: first?.topic ?? null, deliveries });
    });
  });
}
