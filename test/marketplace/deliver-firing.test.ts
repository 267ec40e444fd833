/**
 * One firing's delivery (src/marketplace/deliver-firing.ts) against a real HTTP target that answers
 * as scripted, on both databases, through a real rate scheduler and the audit log: the outcomes the
 * sandbox's HighLevel cannot script (a 401 then 200 with the token refreshed once, a final 4xx, the
 * last attempt's 5xx, no Authorization with `targetAuth: none`).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AccessTokenRequest } from '../../src/highlevel/client-types.js';
import { marketplaceFireHandler } from '../../src/jobs/handlers/marketplace-fire-handler.js';
import { createLogger } from '../../src/lib/create-logger.js';
import { type DeliverFiringDeps, deliverFiring, FIRING_OPERATION } from '../../src/marketplace/deliver-firing.js';
import { planFirings } from '../../src/marketplace/plan-firings.js';
import { deleteSubscription, saveSubscription } from '../../src/marketplace/subscriptions.js';
import { createQueue } from '../../src/queue/create-queue.js';
import { NonRetryableError } from '../../src/queue/types.js';
import { createRateScheduler } from '../../src/ratelimit/create-rate-scheduler.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { type ScriptedServer, startScriptedServer } from '../helpers/scripted-server.js';

const silent = createLogger({ level: 'silent' });

let target: ScriptedServer;
beforeAll(async () => {
  target = await startScriptedServer();
});
afterAll(async () => {
  await target?.close();
});

describeEachDatabase('marketplace firing delivery', (getStore) => {
  const tokenRequests: AccessTokenRequest[] = [];

  function deps(overrides: Partial<DeliverFiringDeps> = {}): DeliverFiringDeps {
    return {
      db: getStore().db,
      scheduler: createRateScheduler({ mode: 'local', logger: silent }),
      appId: 'app-1',
      auth: {
        getAccessToken: async (request) => {
          tokenRequests.push(request);
          return request.forceRefresh ? 'fresh-token' : 'stale-token';
        },
      },
      targetAuth: 'bearer',
      logger: silent,
      ...overrides,
    };
  }

  /** A subscription at a new location and one planned firing for it; returns its job's payload. */
  async function planned(contactId: string | null = 'c-1') {
    const { db } = getStore();
    const locationId = `loc-${randomBytes(4).toString('hex')}`;
    const triggerId = `trg-${randomBytes(4).toString('hex')}`;
    await saveSubscription(
      db,
      {
        triggerId,
        triggerKey: 'accelevents_attendee_checked_in',
        locationId,
        workflowId: null,
        companyId: null,
        targetUrl: `${target.url}/workflows-marketplace/triggers/execute/${locationId}/${triggerId}`,
        filters: [],
      },
      Date.now(),
    );
    const queue = createQueue({ store: getStore() });
    await planFirings(
      { db, queue, logger: silent },
      {
        triggerKey: 'accelevents_attendee_checked_in',
        id: `check_in:devconf:${triggerId}`,
        locationId,
        occurredAt: Date.now(),
        contactId,
        attendee: { id: 'AE-1', email: 'ada@example.com' },
        event: { key: 'devconf' },
      },
    );
    const [row] = await db
      .selectFrom('jobs')
      .select(['id', 'payload'])
      .where('payload', 'like', `%${triggerId}%`)
      .execute();
    return { jobId: row!.id, payload: JSON.parse(row!.payload), triggerId, locationId };
  }

  const firing = async (triggerId: string) =>
    getStore()
      .db.selectFrom('marketplace_firings')
      .selectAll()
      .where('trigger_id', '=', triggerId)
      .executeTakeFirstOrThrow();

  const context = (lastAttempt = false) => ({ actor: 'job:test', lastAttempt });

  it('refreshes the location token once after a 401 and is sent on the retry, both attempts audited', async () => {
    const job = await planned();
    target.enqueue({ status: 401, json: { message: 'Invalid JWT' } }, { status: 200, json: { success: true } });
    const before = target.requests.length;
    tokenRequests.length = 0;
    expect(await deliverFiring(deps(), job.payload, context())).toBe('sent');
    const sent = target.requests.slice(before);
    expect(sent.map((r) => r.headers.authorization)).toEqual(['Bearer stale-token', 'Bearer fresh-token']);
    expect(tokenRequests.map((r) => r.forceRefresh)).toEqual([false, true]);
    expect(JSON.parse(sent[1]!.body.toString())).toEqual(job.payload.payload);
    expect(await firing(job.triggerId)).toMatchObject({ status: 'sent', http_status: 200, attempts: 1 });
    const audited = await getStore()
      .db.selectFrom('highlevel_calls')
      .select(['status', 'operation_id'])
      .where('location_id', '=', job.locationId)
      .orderBy('attempt')
      .execute();
    expect(audited).toEqual([
      { status: 401, operation_id: FIRING_OPERATION },
      { status: 200, operation_id: FIRING_OPERATION },
    ]);
  });

  it('sends a firing planned before the contact was known with the contact parley linked since', async () => {
    const job = await planned(null);
    expect(job.payload.payload.contactId).toBeNull();
    await getStore()
      .db.insertInto('attendee_links')
      .values({
        event_key: 'devconf',
        attendee_id: 'AE-1',
        location_id: job.locationId,
        contact_id: 'c-linked',
        conversation_id: null,
        welcome_message_id: null,
        created_at: Date.now(),
        updated_at: Date.now(),
      })
      .execute();
    target.enqueue({ status: 200, json: { success: true } });
    const before = target.requests.length;
    expect(await deliverFiring(deps(), job.payload, context())).toBe('sent');
    const body = JSON.parse(target.requests[before]!.body.toString());
    expect(body).toEqual({ ...job.payload.payload, contactId: 'c-linked' });
  });

  it('fails a firing for good on a 404, dead-lettering its job without a retry', async () => {
    const job = await planned();
    target.enqueue({ status: 404, json: { message: 'Trigger not found' } });
    const handler = marketplaceFireHandler(deps());
    const run = handler(
      {
        id: job.jobId,
        kind: 'marketplace.fire',
        payload: job.payload,
        priority: 20,
        attempts: 1,
        maxAttempts: 10,
        runAt: 0,
        dedupeKey: null,
      },
      { signal: new AbortController().signal, workerId: 'w1' },
    );
    await expect(run).rejects.toBeInstanceOf(NonRetryableError);
    expect(await firing(job.triggerId)).toMatchObject({ status: 'failed', http_status: 404 });
  });

  it('keeps a 503 retryable until the last attempt, which records the firing as failed', async () => {
    const job = await planned();
    target.enqueue({ status: 503 }, { status: 503 });
    await expect(deliverFiring(deps(), job.payload, context(false))).rejects.toMatchObject({ retryable: true });
    expect(await firing(job.triggerId)).toMatchObject({ status: 'queued', http_status: 503, attempts: 1 });
    await expect(deliverFiring(deps(), job.payload, context(true))).rejects.toMatchObject({ retryable: true });
    expect(await firing(job.triggerId)).toMatchObject({ status: 'failed', http_status: 503, attempts: 2 });
  });

  it('sends nothing and marks the firing skipped when the subscription was deleted before the job ran', async () => {
    const job = await planned();
    await deleteSubscription(getStore().db, job.triggerId, job.locationId, Date.now());
    const before = target.requests.length;
    expect(await deliverFiring(deps(), job.payload, context())).toBe('skipped');
    expect(target.requests.length).toBe(before);
    expect(await firing(job.triggerId)).toMatchObject({ status: 'skipped' });
  });

  it('sends no Authorization header with targetAuth none', async () => {
    const job = await planned();
    target.enqueue({ status: 200, json: { success: true } });
    const before = target.requests.length;
    expect(await deliverFiring(deps({ targetAuth: 'none' }), job.payload, context())).toBe('sent');
    expect(target.requests.slice(before).map((r) => r.headers.authorization)).toEqual([undefined]);
  });
});
