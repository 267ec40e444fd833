/**
 * Delivers one planned firing (plan-firings.ts): POSTs its payload to the subscription's `targetUrl`
 * the way HighLevel's API is called everywhere in parley: the attempt waits for a slot in the
 * location's rate bucket (lane automation) and feeds the answer's X-RateLimit-* headers back, and it is
 * written to the audit log (`highlevel_calls`, operation `marketplace-trigger-execute`).
 *
 * HighLevel documents no auth for firing. Community code sends the location's bearer token and
 * refreshes once on 401 (https://github.com/christiansallen/ghl-app-template, src/services/ghl.js);
 * that is the default, and `marketplace.targetAuth: none` sends none.
 *
 * Outcome: 2xx marks the firing `sent`. A 5xx, 429 or network failure throws a retryable error, so the
 * queue's backoff tries again; on the job's last attempt the firing is marked `failed` first. Any other
 * 4xx is final (`failed`, dead-lettered); a 404 or 410 also pauses the subscription (`gone`,
 * subscriptions.ts), since HighLevel no longer knows the trigger, so later happenings plan no firing
 * for it until HighLevel sends CREATED or UPDATED again. A subscription deleted (DELETED or UNINSTALL)
 * or paused before the job runs marks the firing `skipped` and sends nothing.
 */
import type { Kysely } from 'kysely';
import type { HighLevelAuth } from '../highlevel/client-types.js';
import { parseRateLimitHeaders, parseRetryAfterMs } from '../highlevel/rate-limit-headers.js';
import type { Logger } from '../lib/create-logger.js';
import { fetchWithTimeout } from '../lib/fetch-with-timeout.js';
import { auditHooks } from '../ratelimit/audit-hooks.js';
import type { RateScheduler } from '../ratelimit/types.js';
import type { Database } from '../store/schema.js';
import { MarketplaceError } from './marketplace-error.js';
import { type FiringJobPayload, linkedContactId } from './plan-firings.js';
import { findSubscription, markSubscriptionGone } from './subscriptions.js';

export const FIRING_OPERATION = 'marketplace-trigger-execute';
export type TargetAuth = 'bearer' | 'none';

export interface DeliverFiringDeps {
  db: Kysely<Database>;
  /** The process's rate scheduler (the paced client's), so firings share each location's bucket. */
  scheduler: Pick<RateScheduler, 'acquire' | 'observe'>;
  /** The Marketplace app id the buckets are keyed by. */
  appId: string;
  /** Location tokens: the token manager's `tokenSource()`. */
  auth: HighLevelAuth;
  targetAuth: TargetAuth;
  logger: Logger;
  fetch?: typeof globalThis.fetch;
  now?: () => number;
  /** Per attempt. Default 10 s. */
  timeoutMs?: number;
}

export interface DeliveryContext {
  /** Who the audit log names: `job:<id>`. */
  actor: string;
  /** True on the job's last attempt: a retryable failure is then recorded as final. */
  lastAttempt: boolean;
  signal?: AbortSignal;
}

export type DeliveryOutcome = 'sent' | 'skipped' | 'already_settled';

interface Answer {
  status: number | null;
  error: string | null;
  retryAfterMs: number | null;
}

export function readFiringJob(payload: unknown): FiringJobPayload {
  const p = payload as Partial<FiringJobPayload> | null;
  if (
    typeof p?.firingId !== 'string' ||
    typeof p.triggerId !== 'string' ||
    typeof p.payload !== 'object' ||
    p.payload === null
  ) {
    throw new MarketplaceError('invalid_firing_job', 'a marketplace.fire job needs firingId, triggerId and payload');
  }
  return p as FiringJobPayload;
}

export async function deliverFiring(
  deps: DeliverFiringDeps,
  job: FiringJobPayload,
  context: DeliveryContext,
): Promise<DeliveryOutcome> {
  const now = deps.now ?? Date.now;
  const firing = await deps.db
    .selectFrom('marketplace_firings')
    .select(['status', 'location_id'])
    .where('id', '=', job.firingId)
    .executeTakeFirst();
  if (!firing) throw new MarketplaceError('invalid_firing_job', `firing ${job.firingId} does not exist`);
  if (firing.status !== 'queued') return 'already_settled';
  const subscription = await findSubscription(deps.db, job.triggerId);
  if (subscription?.status !== 'active') {
    const why =
      subscription?.status === 'gone'
        ? `subscription paused before sending: ${subscription.inactiveReason ?? 'its target URL is gone'}`
        : 'subscription deleted before sending';
    await settle(deps.db, job.firingId, { status: 'skipped', last_error: why });
    deps.logger.info({ firingId: job.firingId, triggerId: job.triggerId }, `marketplace firing skipped: ${why}`);
    return 'skipped';
  }
  const locationId = subscription.locationId;
  const sending = { ...job, payload: await withLinkedContact(deps.db, locationId, job.payload) };
  const audit = auditHooks({ db: deps.db, actor: context.actor, now, logger: deps.logger });
  let answer = await attempt(deps, subscription.targetUrl, locationId, sending, context, audit, 1, false);
  if (answer.status === 401 && deps.targetAuth === 'bearer') {
    answer = await attempt(deps, subscription.targetUrl, locationId, sending, context, audit, 2, true);
  }
  const ok = answer.status !== null && answer.status >= 200 && answer.status < 300;
  await deps.db
    .updateTable('marketplace_firings')
    .set((eb) => ({
      attempts: eb('attempts', '+', 1),
      http_status: answer.status,
      ...(ok ? { status: 'sent' as const, sent_at: now(), last_error: null } : { last_error: answer.error }),
    }))
    .where('id', '=', job.firingId)
    .execute();
  if (ok) return 'sent';
  const retryable = answer.status === null || answer.status === 429 || answer.status >= 500;
  if (!retryable || context.lastAttempt) await settle(deps.db, job.firingId, { status: 'failed' });
  if (answer.status === 404 || answer.status === 410) {
    const reason = `the target URL answered HTTP ${answer.status} at ${new Date(now()).toISOString()}`;
    if (await markSubscriptionGone(deps.db, subscription, reason, now())) {
      deps.logger.warn(
        { triggerId: job.triggerId, locationId, triggerKey: subscription.triggerKey, httpStatus: answer.status },
        'marketplace subscription paused: its target URL is gone; HighLevel sending CREATED or UPDATED resumes it',
      );
    }
  }
  throw new MarketplaceError(
    'firing_failed',
    `marketplace trigger ${subscription.triggerKey} (${job.triggerId}): ${answer.error ?? 'failed'}`,
    { retryable },
  );
}

/**
 * A firing planned before parley knew the attendee's HighLevel contact (the welcome that creates it
 * was still running, or failed and is being retried) looks the contact up again when it is sent, so
 * the workflow's contact actions have a contact. Attendee ids are Accelevents-wide, so any link of the
 * attendee at this location will do.
 */
async function withLinkedContact(
  db: Kysely<Database>,
  locationId: string,
  payload: FiringJobPayload['payload'],
): Promise<FiringJobPayload['payload']> {
  if (payload.contactId !== null || payload.attendee.id === null) return payload;
  const contactId = await linkedContactId(db, { locationId, eventKey: null, attendeeId: payload.attendee.id });
  return contactId === null ? payload : { ...payload, contactId };
}

async function attempt(
  deps: DeliverFiringDeps,
  targetUrl: string,
  locationId: string,
  job: FiringJobPayload,
  context: DeliveryContext,
  audit: ReturnType<typeof auditHooks>,
  number: number,
  forceRefresh: boolean,
): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (deps.targetAuth === 'bearer') {
    const token = await deps.auth.getAccessToken({ locationId, operationId: FIRING_OPERATION, forceRefresh });
    headers.authorization = `Bearer ${token}`;
  }
  const info = { operationId: FIRING_OPERATION, locationId, attempt: number, lane: 'automation' as const };
  await deps.scheduler.acquire({
    appId: deps.appId,
    locationId,
    lane: 'automation',
    ...(context.signal ? { signal: context.signal } : {}),
  });
  // Whole milliseconds: the audit row's `at` is a bigint column.
  const started = Math.round(performance.now());
  const fetched = await fetchWithTimeout(
    deps.fetch ?? globalThis.fetch,
    targetUrl,
    { method: 'POST', headers, body: JSON.stringify(job.payload) },
    { timeoutMs: deps.timeoutMs ?? 10_000, signal: context.signal },
  );
  const durationMs = Math.round(performance.now()) - started;
  const status = fetched.ok ? fetched.response.status : null;
  const rateLimit = fetched.ok ? parseRateLimitHeaders(fetched.response.headers) : null;
  const retryAfterMs = fetched.ok ? parseRetryAfterMs(fetched.response.headers) : null;
  await deps.scheduler.observe({ appId: deps.appId, locationId, status, rateLimit, retryAfterMs });
  await audit.afterAttempt({ ...info, status, rateLimit, durationMs });
  if (fetched.ok) {
    const ok = status !== null && status >= 200 && status < 300;
    // Only the status and HighLevel's short message: the target's body could echo the payload.
    return { status, error: ok ? null : `HTTP ${status} from the target URL`, retryAfterMs };
  }
  return {
    status: null,
    error: fetched.timedOut ? 'the target URL did not answer in time' : 'the target URL could not be reached',
    retryAfterMs: null,
  };
}

async function settle(
  db: Kysely<Database>,
  firingId: string,
  values: { status: 'failed' | 'skipped'; last_error?: string },
): Promise<void> {
  await db.updateTable('marketplace_firings').set(values).where('id', '=', firingId).execute();
}
