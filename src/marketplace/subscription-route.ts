/**
 * POST /marketplace/triggers/subscription: HighLevel tells parley that a workflow created, updated or
 * deleted one of our triggers (https://marketplace.gohighlevel.com/docs/marketplace-modules/CustomTriggers):
 *
 *   { triggerData: { id, key, filters, eventType: CREATED|UPDATED|DELETED, targetUrl },
 *     meta: { key, version }, extras: { locationId, workflowId, companyId } }
 *
 * Behind the marketplace guard (secret header, installed location). CREATED/UPDATED store the
 * subscription by `triggerData.id`; DELETED marks it deleted, after which nothing fires for it. A key
 * not in our catalog is refused (400 naming `triggerData.key`), and so is a targetUrl naming another
 * location than `extras.locationId`. Answers 200 `{ ok: true }`.
 */
import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Logger } from '../lib/create-logger.js';
import type { Database } from '../store/schema.js';
import { MarketplaceError } from './marketplace-error.js';
import { sendMarketplaceError } from './marketplace-guard.js';
import { deleteSubscription, saveSubscription } from './subscriptions.js';
import { isTriggerKey, TRIGGER_KEYS } from './trigger-catalog.js';

export const SUBSCRIPTION_PATH = '/marketplace/triggers/subscription';

const httpUrl = z.string().refine((value) => {
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}, 'expected an absolute http(s) URL');

const nonEmpty = z.string().min(1, 'expected a non-empty string');

const BodySchema = z.object({
  triggerData: z.object({
    id: nonEmpty,
    key: nonEmpty,
    eventType: z.enum(['CREATED', 'UPDATED', 'DELETED']),
    filters: z.array(z.object({ field: nonEmpty }).passthrough()).default([]),
    targetUrl: httpUrl.optional(),
  }),
  meta: z.object({ key: z.string().optional(), version: z.string().optional() }).passthrough().optional(),
  extras: z.object({
    locationId: nonEmpty,
    workflowId: z.string().nullish(),
    companyId: z.string().nullish(),
  }),
});

export type SubscriptionBody = z.infer<typeof BodySchema>;

/** `field.path: what was wrong` for the first few issues, so HighLevel's logs name the field. */
function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`)
    .join('; ');
}

/**
 * HighLevel's target URLs end `/triggers/execute/<locationId>/<triggerId>`; when one does, its location
 * must be the caller's, so one location cannot point firings of its events at another's workflow.
 */
function targetUrlLocation(targetUrl: string): string | null {
  const match = /\/triggers\/execute\/([^/]+)\/[^/]+\/?$/.exec(new URL(targetUrl).pathname);
  return match ? decodeURIComponent(match[1]!) : null;
}

export function parseSubscriptionBody(body: unknown): SubscriptionBody {
  const parsed = BodySchema.safeParse(body);
  if (!parsed.success) {
    throw new MarketplaceError('invalid_subscription', `invalid subscription body: ${describeIssues(parsed.error)}`);
  }
  const value = parsed.data;
  const { triggerData, extras } = value;
  if (!isTriggerKey(triggerData.key)) {
    throw new MarketplaceError(
      'invalid_subscription',
      `triggerData.key: ${JSON.stringify(triggerData.key)} is not a parley trigger; expected one of ${TRIGGER_KEYS.join(', ')}`,
    );
  }
  if (triggerData.eventType !== 'DELETED') {
    if (triggerData.targetUrl === undefined) {
      throw new MarketplaceError(
        'invalid_subscription',
        `triggerData.targetUrl: required for ${triggerData.eventType}`,
      );
    }
    const named = targetUrlLocation(triggerData.targetUrl);
    if (named !== null && named !== extras.locationId) {
      throw new MarketplaceError(
        'invalid_subscription',
        `triggerData.targetUrl names location ${named}, but extras.locationId is ${extras.locationId}`,
      );
    }
  }
  return value;
}

export interface SubscriptionRouteDeps {
  db: Kysely<Database>;
  logger: Logger;
  now?: () => number;
}

export function registerSubscriptionRoute(
  app: FastifyInstance,
  guard: preHandlerAsyncHookHandler,
  deps: SubscriptionRouteDeps,
): void {
  const now = deps.now ?? Date.now;
  app.post(SUBSCRIPTION_PATH, { preHandler: guard }, async (request, reply) => {
    let body: SubscriptionBody;
    try {
      body = parseSubscriptionBody(request.body);
    } catch (error) {
      if (error instanceof MarketplaceError) return sendMarketplaceError(reply, error);
      throw error;
    }
    const { triggerData, extras } = body;
    const log = { triggerId: triggerData.id, triggerKey: triggerData.key, locationId: extras.locationId };
    if (triggerData.eventType === 'DELETED') {
      const deleted = await deleteSubscription(deps.db, triggerData.id, extras.locationId, now());
      deps.logger.info({ ...log, deleted }, 'marketplace trigger subscription deleted');
      return { ok: true };
    }
    const outcome = await saveSubscription(
      deps.db,
      {
        triggerId: triggerData.id,
        triggerKey: triggerData.key as (typeof TRIGGER_KEYS)[number],
        locationId: extras.locationId,
        workflowId: extras.workflowId ?? null,
        companyId: extras.companyId ?? null,
        targetUrl: triggerData.targetUrl as string,
        filters: triggerData.filters,
      },
      now(),
    );
    if (outcome === 'other_location') {
      return sendMarketplaceError(
        reply,
        new MarketplaceError(
          'invalid_subscription',
          `triggerData.id ${triggerData.id} belongs to another location than extras.locationId ${extras.locationId}`,
        ),
      );
    }
    if (outcome === 'deleted_before') {
      deps.logger.warn(log, `marketplace trigger ${triggerData.eventType} after DELETED; it stays deleted`);
    } else {
      deps.logger.info({ ...log, eventType: triggerData.eventType }, 'marketplace trigger subscription stored');
    }
    return { ok: true };
  });
}
