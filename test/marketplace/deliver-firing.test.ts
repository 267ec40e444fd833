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
import {
  deleteSubscription,
  findSubscription,
  markSubscriptionGone,
  saveSubscription,
} from '../../src/marketplace/subscriptions.js';
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

  const targetUrlOf = (locationId: string, triggerId: string) =>
    `${target.url}/workflows-marketplace/triggers/execute/${locationId}/${triggerId}`;

  /** A subscription at a new location (as HighLevel's CREATED stores it). */
  async function subscribe() {
    const locationId = `loc-${randomBytes(4).toString('hex')}`;
    const triggerId = `trg-${randomBytes(4).toString('hex')}`;
    await saveSubscription(getStore().db, subscriptionInput(locationId, triggerId), Date.now());
    return { triggerId, locationId };
  }

  function subscriptionInput(locationId: string, triggerId: string, targetUrl = targetUrlOf(locationId, triggerId)) {
    return {
      triggerId,
      triggerKey: 'accelevents_attendee_checked_in' as const,
      locationId,
      workflowId: null,
      companyId: null,
      targetUrl,
      filters: [],
    };
  }

  /** One check-in happening at the subscription's location; its firing's job (none when nothing was planned). */
  async function happen(sub: { triggerId: string; locationId: string }, contactId: string | null = 'c-1') {
    const { db } = getStore();
    const eventKey = `check_in:devconf:${randomBytes(4).toString('hex')}`;
    const queue = createQueue({ store: getStore() });
    await planFirings(
      { db, queue, logger: silent },
      {
        triggerKey: 'accelevents_attendee_checked_in',
        id: eventKey,
        locationId: sub.locationId,
        occurredAt: Date.now(),
        contactId,
        attendee: { id: 'AE-1', email: 'ada@example.com' },
        event: { key: 'devconf' },
      },
    );
    const row = await db
      .selectFrom('jobs')
      .select(['id', 'payload'])
      .where('payload', 'like', `%${eventKey}%`)
      .executeTakeFirst();
    return row
      ? { jobId: row.id, payload: JSON.parse(row.payload), triggerId: sub.triggerId, locationId: sub.locationId }
      : null;
  }

  /** A subscription at a new location and one planned firing for it; returns its job's payload. */
  async function planned(contactId: string | null = 'c-1') {
    return (await happen(await subscribe(), contactId))!;
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

  it.each([404, 410])(
    'pauses the subscription on a %i, with why, so a later happening plans no firing',
    async (status) => {
      const job = await planned();
      target.enqueue({ status, json: { message: 'Trigger not found' } });
      await expect(deliverFiring(deps(), job.payload, context())).rejects.toMatchObject({ retryable: false });
      const paused = await findSubscription(getStore().db, job.triggerId);
      expect(paused).toMatchObject({ status: 'gone' });
      expect(paused?.inactiveReason).toContain(`HTTP ${status}`);
      expect(await happen(job)).toBeNull();
      const firings = await getStore()
        .db.selectFrom('marketplace_firings')
        .select('status')
        .where('trigger_id', '=', job.triggerId)
        .execute();
      expect(firings).toEqual([{ status: 'failed' }]);
    },
  );

  it('keeps the subscription active after any other final 4xx', async () => {
    const job = await planned();
    target.enqueue({ status: 400, json: { message: 'Bad payload' } });
    await expect(deliverFiring(deps(), job.payload, context())).rejects.toMatchObject({ retryable: false });
    expect(await findSubscription(getStore().db, job.triggerId)).toMatchObject({
      status: 'active',
      inactiveReason: null,
    });
    expect(await happen(job)).not.toBeNull();
  });

  it('skips a firing queued before its subscription was paused, naming why, and sends nothing', async () => {
    const sub = await subscribe();
    const first = (await happen(sub))!;
    const second = (await happen(sub))!;
    target.enqueue({ status: 404, json: { message: 'Trigger not found' } });
    await expect(deliverFiring(deps(), first.payload, context())).rejects.toMatchObject({ retryable: false });
    const before = target.requests.length;
    expect(await deliverFiring(deps(), second.payload, context())).toBe('skipped');
    expect(target.requests.length).toBe(before);
    const skipped = await getStore()
      .db.selectFrom('marketplace_firings')
      .select(['status', 'last_error'])
      .where('id', '=', second.payload.firingId)
      .executeTakeFirstOrThrow();
    expect(skipped.status).toBe('skipped');
    expect(skipped.last_error).toContain('paused');
    expect(skipped.last_error).toContain('HTTP 404');
  });

  it('resumes a paused subscription when HighLevel sends UPDATED for it, and fires it again', async () => {
    const job = await planned();
    target.enqueue({ status: 404, json: { message: 'Trigger not found' } });
    await expect(deliverFiring(deps(), job.payload, context())).rejects.toMatchObject({ retryable: false });
    const outcome = await saveSubscription(getStore().db, subscriptionInput(job.locationId, job.triggerId), Date.now());
    expect(outcome).toBe('stored');
    expect(await findSubscription(getStore().db, job.triggerId)).toMatchObject({
      status: 'active',
      inactiveReason: null,
    });
    const again = (await happen(job))!;
    target.enqueue({ status: 200, json: { success: true } });
    expect(await deliverFiring(deps(), again.payload, context())).toBe('sent');
  });

  it('does not pause a subscription whose target URL changed since the failing firing read it', async () => {
    const sub = await subscribe();
    const { db } = getStore();
    const stale = { triggerId: sub.triggerId, targetUrl: targetUrlOf(sub.locationId, sub.triggerId) };
    await saveSubscription(db, subscriptionInput(sub.locationId, sub.triggerId, `${target.url}/moved`), Date.now());
    expect(await markSubscriptionGone(db, stale, 'the target URL answered HTTP 404', Date.now())).toBe(false);
    expect(await findSubscription(db, sub.triggerId)).toMatchObject({
      status: 'active',
      targetUrl: `${target.url}/moved`,
    });
  });

  it('deletes a paused subscription for good on DELETED: a later UPDATED does not bring it back', async () => {
    const sub = await subscribe();
    const { db } = getStore();
    await markSubscriptionGone(
      db,
      { triggerId: sub.triggerId, targetUrl: targetUrlOf(sub.locationId, sub.triggerId) },
      'gone',
      Date.now(),
    );
    expect(await deleteSubscription(db, sub.triggerId, sub.locationId, Date.now())).toBe(true);
    expect(await saveSubscription(db, subscriptionInput(sub.locationId, sub.triggerId), Date.now())).toBe(
      'deleted_before',
    );
    expect(await findSubscription(db, sub.triggerId)).toMatchObject({ status: 'deleted', inactiveReason: null });
  });

  it('sends no Authorization header with targetAuth none', async () => {
    const job = await planned();
    target.enqueue({ status: 200, json: { success: true } });
    const before = target.requests.length;
    expect(await deliverFiring(deps({ targetAuth: 'none' }), job.payload, context())).toBe('sent');
    expect(target.requests.slice(before).map((r) => r.headers.authorization)).toEqual([undefined]);
  });
});
