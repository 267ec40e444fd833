/**
 * POST /hooks/highlevel: HighLevel's signed webhooks. In order, and nothing is stored or
 * acted on before all checks pass:
 * 1. the signature, over the raw request bytes (verify-signature.ts): 401 `invalid_signature`;
 * 2. the body is a JSON object: 400 `invalid_json`;
 * 3. the body `timestamp` is within ±5 minutes of our clock, the window HighLevel's doc suggests
 *    (https://marketplace.gohighlevel.com/docs/webhook/WebhookIntegrationGuide), enforced both ways as
 *    Standard Webhooks does (https://www.standardwebhooks.com/): 401 `stale_webhook`;
 * 4. an `appId` other than ours (a shared webhook URL): 200, ignored.
 * INSTALL and UNINSTALL are handled here (install-events.ts). With `inbox` given, the message events
 * (InboundMessage, OutboundMessage, ConversationUnreadUpdate) are stored in the inbox, deduplicated on
 * `webhookId`, with a `highlevel.event` job in the same transaction (src/intake/highlevel/highlevel-events.ts).
 * Any other event answers 200 `{ accepted: false }`.
 */
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { ConnectionRepository } from '../../credentials/types.js';
import type { HighLevelTokenClient } from '../../highlevel/oauth/token-client-types.js';
import type { Logger } from '../../lib/create-logger.js';
import type { Queue } from '../../queue/types.js';
import type { Database } from '../../store/schema.js';
import { claimInstallEvent, isHighLevelMessageEvent, storeHighLevelEvent } from './highlevel-events.js';
import { handleInstallEvent, handleUninstallEvent, type InstallEventDeps } from './install-events.js';
import { verifyHighLevelSignature } from './verify-signature.js';
import type { WebhookKeys } from './webhook-keys.js';

export const WEBHOOK_PATH = '/hooks/highlevel';
export const DEFAULT_TOLERANCE_MS = 5 * 60_000;

export interface HighLevelWebhookRouteDeps {
  keys: WebhookKeys;
  repository: ConnectionRepository;
  tokenClient: HighLevelTokenClient;
  /** Our Marketplace app id (client id up to the first '-'); events for other apps are ignored. */
  appId: string;
  logger: Logger;
  now?: () => number;
  toleranceMs?: number;
  /** Default: the agency's stored access token. Wire the token manager's so an expired one is refreshed. */
  agencyAccessToken?: InstallEventDeps['agencyAccessToken'];
  /** Called for each location an UNINSTALL disables (install-events.ts). */
  onLocationUninstalled?: InstallEventDeps['onLocationUninstalled'];
  /** Where message events go. Without it they are answered `{ accepted: false }` and not kept. */
  inbox?: { db: Kysely<Database>; queue: Queue; newId?: () => string };
}

function storedAccessToken(repository: ConnectionRepository): InstallEventDeps['agencyAccessToken'] {
  return async (agency) => {
    const { accessToken } = await repository.readSecrets(agency.id);
    if (!accessToken) throw new Error(`agency connection ${agency.id} has no access token`);
    return accessToken;
  };
}

function timestampProblem(value: unknown, now: number, toleranceMs: number): string | null {
  const at = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(at)) return 'timestamp is missing or not an ISO 8601 date';
  const skewSeconds = Math.round((at - now) / 1000);
  if (Math.abs(at - now) > toleranceMs) {
    return `timestamp is ${Math.abs(skewSeconds)} s ${skewSeconds < 0 ? 'old' : 'in the future'}; the limit is ${toleranceMs / 1000} s`;
  }
  return null;
}

export async function registerHighLevelWebhookRoute(
  app: FastifyInstance,
  deps: HighLevelWebhookRouteDeps,
): Promise<void> {
  for (const name of ['keys', 'repository', 'tokenClient', 'appId', 'logger'] as const) {
    if (!deps?.[name]) throw new TypeError(`registerHighLevelWebhookRoute: deps.${name} is required`);
  }
  const now = deps.now ?? Date.now;
  const toleranceMs = deps.toleranceMs ?? DEFAULT_TOLERANCE_MS;
  const logger = deps.logger;
  const eventDeps: InstallEventDeps = {
    repository: deps.repository,
    tokenClient: deps.tokenClient,
    now,
    logger,
    agencyAccessToken: deps.agencyAccessToken ?? storedAccessToken(deps.repository),
    ...(deps.onLocationUninstalled ? { onLocationUninstalled: deps.onLocationUninstalled } : {}),
  };

  await app.register(async (scope) => {
    // The signature covers the exact bytes, so this scope keeps JSON bodies as raw Buffers.
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

    scope.post(WEBHOOK_PATH, async (request, reply) => {
      const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const check = verifyHighLevelSignature({ rawBody, headers: request.headers, keys: deps.keys });
      if (!check.ok) {
        logger.warn({ reason: check.reason }, 'HighLevel webhook rejected: invalid signature');
        return reply.code(401).send({ error: 'invalid_signature' });
      }
      let payload: unknown;
      try {
        payload = JSON.parse(rawBody.toString('utf8'));
      } catch {
        return reply.code(400).send({ error: 'invalid_json', message: 'the body is not valid JSON' });
      }
      if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
        return reply.code(400).send({ error: 'invalid_json', message: 'the body must be a JSON object' });
      }
      const event = payload as Record<string, unknown>;
      const stale = timestampProblem(event['timestamp'], now(), toleranceMs);
      if (stale) {
        logger.warn(
          { type: event['type'], webhookId: event['webhookId'], problem: stale },
          'HighLevel webhook rejected',
        );
        return reply.code(401).send({ error: 'stale_webhook', message: stale });
      }
      if (typeof event['appId'] === 'string' && event['appId'] !== deps.appId) {
        return reply.send({ accepted: false, reason: 'event for another app' });
      }

      if (event['type'] === 'INSTALL' || event['type'] === 'UNINSTALL') {
        const claim = deps.inbox
          ? await claimInstallEvent({ db: deps.inbox.db, now }, { rawBody, headers: request.headers, event }).catch(
              (error: unknown) => {
                logger.error({ err: error }, `${event['type']}: could not record the webhook id; asking for a retry`);
                return null;
              },
            )
          : { claimed: true, release: async () => {} };
        if (claim === null) return reply.code(429).send({ error: 'retry_later' });
        if (!claim.claimed) return reply.send({ duplicate: true, webhookId: event['webhookId'] ?? null });
        const answer = await (event['type'] === 'INSTALL'
          ? handleInstallEvent(event, eventDeps)
          : handleUninstallEvent(event, eventDeps)
        ).catch((error: unknown) => {
          logger.error({ err: error }, `${event['type']}: could not update connections; asking for a retry`);
          return { status: 429, body: { error: 'retry_later' } };
        });
        // Only an answer HighLevel retries gives the claim back.
        if (answer.status === 429) await claim.release();
        return reply.code(answer.status).send(answer.body);
      }
      if (deps.inbox && isHighLevelMessageEvent(event['type'])) {
        const answer = await storeHighLevelEvent(
          { ...deps.inbox, now, logger },
          { rawBody, headers: request.headers, event },
        );
        return reply.code(answer.status).send(answer.body);
      }
      return reply.send({ accepted: false, reason: 'not handled yet' });
    });
  });
}
