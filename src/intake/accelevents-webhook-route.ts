/**
 * POST /hooks/accelevents/:secret (DESIGN C7). Accelevents signs nothing and documents no payload
 * (reference/accelevents-api.md §6, §8), so, in order:
 * 1. the secret in the path, checked in constant time before the body is read; a wrong one gets the
 *    app's ordinary 404, so the path does not reveal that it exists;
 * 2. the optional HMAC over the raw bytes (`accelevents.webhook.hmac`): 401 `invalid_signature`;
 * 3. the body, JSON or form-encoded, at most 1 MB: 415, or 400 naming what was wrong (parse-body.ts);
 * 4. the mapping (map-payload.ts) and the dedupe key (dedupe-key.ts);
 * 5. one transaction: the raw delivery in `inbox` and an `accelevents.event` job; a payload whose topic
 *    is not recognised is stored as `ignored` with no job, so nothing is lost and the mapping can be fixed.
 *    Concurrent deliveries share that transaction (group commit, delivery-batcher.ts); each is answered
 *    only after its batch committed.
 * Then 202 `{ accepted: true, id }`, or 200 `{ duplicate: true }` for a delivery already stored.
 */
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { AcceleventsWebhookSettings } from '../config/config-types.js';
import type { Logger } from '../logging/create-logger.js';
import { PRIORITY, type Queue } from '../queue/types.js';
import type { Database } from '../store/schema.js';
import { acceleventsDedupeKey } from './dedupe-key.js';
import { createDeliveryBatcher } from './delivery-batcher.js';
import { createHmacCheck } from './hmac-check.js';
import { IntakeError } from './intake-error.js';
import { mapPayload } from './map-payload.js';
import { parseWebhookBody } from './parse-body.js';
import { storableHeaders } from './storable-headers.js';
import { compileMapping, resolveWebhookConfig } from './webhook-config.js';
import { createWebhookSecretCheck } from './webhook-secret.js';

export const ACCELEVENTS_WEBHOOK_PATH = '/hooks/accelevents/:secret';
export const ACCELEVENTS_EVENT_JOB = 'accelevents.event';
/** Standard Webhooks asks senders to keep payloads under ~20 KB (reference/reliability.md §1.2); 1 MB is generous. */
export const WEBHOOK_BODY_LIMIT = 1024 * 1024;

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
  const config = resolveWebhookConfig(deps.config);
  const mapping = compileMapping(config);
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
      if (!(await secretMatches(secret))) return reply.callNotFound();
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

      const mapped = mapPayload(parsed.value, mapping, request.headers);
      const dedupe = acceleventsDedupeKey({
        mapped,
        headers: request.headers,
        rawBody: raw,
        deliveryIdHeader: config.deliveryIdHeader,
      });
      try {
        const stored = await batcher.store(
          {
            source: 'accelevents',
            dedupeKey: dedupe.key,
            topic: mapped.topic ?? mapped.rawTopic,
            contentType: contentType ?? null,
            headers: storableHeaders(request.headers),
            body: raw.toString('utf8'),
            mapped: { ...mapped, format: parsed.format, dedupeBasis: dedupe.basis },
            status: mapped.topic === null ? 'ignored' : 'received',
          },
          {
            kind: ACCELEVENTS_EVENT_JOB,
            priority: mapped.topic === 'registration' ? PRIORITY.welcome : PRIORITY.automation,
          },
        );
        if (stored.duplicate) return reply.code(200).send({ duplicate: true, id: stored.id });
        logger.debug(
          { inboxId: stored.id, topic: mapped.topic, dedupe: dedupe.basis },
          mapped.topic ? 'Accelevents webhook stored' : 'Accelevents webhook stored as ignored: topic not recognised',
        );
        return reply.code(202).send({ accepted: true, id: stored.id, topic: mapped.topic });
      } catch (error) {
        // Nothing was committed; 503 asks the sender to try again (if it retries at all, §6).
        logger.error({ err: error }, 'Accelevents webhook could not be stored');
        return reply
          .code(503)
          .send({ error: 'intake_unavailable', message: 'the delivery could not be stored; retry later' });
      }
    });
  });
}
