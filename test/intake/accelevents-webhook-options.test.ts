/**
 * POST /hooks/accelevents/:secret settings and collaborators on both databases: a delivery-id header,
 * the optional HMAC, refusing to start without what it needs, secret rotation, and Q's real queue.
 */
import { createHash, createHmac } from 'node:crypto';
import Fastify from 'fastify';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { ACCELEVENTS_EVENT_JOB, registerAcceleventsWebhookRoute } from '../../src/intake/accelevents-webhook-route.js';
import { createAcceleventsWebhookSecret } from '../../src/intake/webhook-secret.js';
import { PRIORITY } from '../../src/lib/priority-lanes.js';
import { createQueue } from '../../src/queue/create-queue.js';
import { SUMMIT } from '../accelevents/sandbox-fixture.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { buildIntakeApp, clearPipeline, type IntakeApp, inboxRows, silent } from './intake-app.js';

const json = { 'content-type': 'application/json' };

describeEachDatabase('POST /hooks/accelevents/:secret options', (getStore) => {
  let intake: IntakeApp;

  beforeAll(async () => {
    intake = await buildIntakeApp(getStore());
  });
  afterAll(async () => {
    await intake?.app.close();
  });
  beforeEach(async () => {
    await clearPipeline(getStore());
  });

  it('dedupes on a configured delivery-id header before the fields', async () => {
    const byHeader = await buildIntakeApp(getStore(), {
      secret: intake.secret,
      config: { deliveryIdHeader: 'X-Delivery-Id' },
    });
    const send = (id: string, barcode: string) =>
      byHeader.app.inject({
        method: 'POST',
        url: byHeader.path,
        headers: { ...json, 'x-delivery-id': id },
        payload: JSON.stringify({ topic: 'attendee.registered', barcode }),
      });
    expect((await send('d-1', 'H-1')).statusCode).toBe(202);
    expect((await send('d-1', 'H-2')).statusCode).toBe(200);
    expect((await send('d-2', 'H-1')).statusCode).toBe(202);
    expect((await inboxRows(getStore())).map((r) => r.dedupe_key)).toEqual(['header:d-1', 'header:d-2']);
    await byHeader.app.close();
  });

  /** Two apps checking X-Relay-Signature, one expecting hex and one base64, and a body to sign. */
  async function hmacApps() {
    const env = { RELAY_HMAC: 'relay-shared-secret' };
    const hexApp = await buildIntakeApp(getStore(), {
      secret: intake.secret,
      env,
      config: { hmac: { header: 'X-Relay-Signature', secretEnv: 'RELAY_HMAC' } },
    });
    const b64App = await buildIntakeApp(getStore(), {
      secret: intake.secret,
      env,
      config: { hmac: { header: 'X-Relay-Signature', secretEnv: 'RELAY_HMAC', encoding: 'base64' } },
    });
    const body = JSON.stringify({ topic: 'attendee.registered', barcode: 'HMAC-1' });
    const mac = createHmac('sha256', 'relay-shared-secret').update(body).digest();
    const send = (target: IntakeApp, signature: string | undefined, payload = body) =>
      target.app.inject({
        method: 'POST',
        url: target.path,
        headers: { ...json, ...(signature === undefined ? {} : { 'x-relay-signature': signature }) },
        payload,
      });
    const close = async () => {
      await hexApp.app.close();
      await b64App.app.close();
    };
    return { hexApp, b64App, body, mac, send, close };
  }

  it('with an HMAC configured, answers 401 to a missing or wrong signature, storing nothing', async () => {
    const { hexApp, body, mac, send, close } = await hmacApps();
    expect((await send(hexApp, undefined)).json()).toEqual({
      error: 'invalid_signature',
      message: 'the x-relay-signature header is missing',
    });
    const wrongKey = createHmac('sha256', 'other').update(body).digest('hex');
    expect((await send(hexApp, wrongKey)).statusCode).toBe(401);
    expect((await send(hexApp, mac.toString('hex'), body.replace('HMAC-1', 'HMAC-2'))).statusCode).toBe(401);
    expect((await send(hexApp, mac.toString('hex').slice(0, 40))).statusCode).toBe(401);
    expect((await send(hexApp, mac.toString('base64'))).statusCode).toBe(401);
    expect(await inboxRows(getStore())).toEqual([]);
    await close();
  });

  it('with an HMAC configured, accepts a good signature in hex or base64, with or without sha256=', async () => {
    const { hexApp, b64App, mac, send, close } = await hmacApps();
    expect((await send(hexApp, `sha256=${mac.toString('hex')}`)).statusCode).toBe(202);
    expect((await send(b64App, mac.toString('base64'))).statusCode).toBe(200); // same delivery: duplicate
    expect((await send(b64App, mac.toString('base64url'))).statusCode).toBe(200);
    await close();
  });

  it('refuses to start with an HMAC whose secret variable is unset', async () => {
    await expect(
      buildIntakeApp(getStore(), {
        secret: intake.secret,
        env: {},
        config: { hmac: { header: 'x-sig', secretEnv: 'MISSING_HMAC' } },
      }),
    ).rejects.toMatchObject({
      code: 'missing_hmac_secret',
      message: expect.stringContaining('MISSING_HMAC, which is not set'),
    });
  });

  it('refuses to start without a queue', async () => {
    await expect(
      registerAcceleventsWebhookRoute(Fastify(), { db: getStore().db, logger: silent } as never),
    ).rejects.toMatchObject({ code: 'missing_dependency', message: expect.stringContaining('deps.queue is required') });
  });

  /** The route on Q's real queue, and one registration to send to it. */
  async function onRealQueue() {
    const store = getStore();
    const queue = createQueue({ store });
    const app = Fastify();
    await registerAcceleventsWebhookRoute(app, { db: store.db, queue, logger: silent });
    const send = () =>
      app.inject({
        method: 'POST',
        url: intake.path,
        headers: json,
        payload: JSON.stringify({ topic: 'attendee.registered', barcode: 'REAL-Q-1', eventUrl: SUMMIT }),
      });
    return { queue, app, send };
  }

  it('with the real queue, a registration’s job is claimable with its inboxId in the welcome lane', async () => {
    const { queue, app, send } = await onRealQueue();
    const first = await send();
    expect(first.statusCode).toBe(202);
    const claimed = await queue.claim('intake-test', { limit: 10, leaseMs: 60_000, kinds: [ACCELEVENTS_EVENT_JOB] });
    expect(claimed.map((j) => [j.payload, j.priority])).toEqual([[{ inboxId: first.json().id }, PRIORITY.welcome]]);
    await app.close();
  });

  it('with the real queue, a duplicate registration adds no job', async () => {
    const { queue, app, send } = await onRealQueue();
    const first = await send();
    expect(first.statusCode).toBe(202);
    expect((await send()).statusCode).toBe(200);
    const claimed = await queue.claim('intake-test', { limit: 10, leaseMs: 60_000, kinds: [ACCELEVENTS_EVENT_JOB] });
    expect(claimed.map((j) => [j.payload, j.priority])).toEqual([[{ inboxId: first.json().id }, PRIORITY.welcome]]);
    await app.close();
  });

  it('a new secret replaces the old one once the cached digest expires', async () => {
    const clock = { now: 1_000_000 };
    const rotating = await buildIntakeApp(getStore(), {
      secret: intake.secret,
      now: () => clock.now,
      secretCacheMs: 5_000,
    });
    const send = (secret: string, barcode: string) =>
      rotating.app.inject({
        method: 'POST',
        url: `/hooks/accelevents/${secret}`,
        headers: json,
        payload: JSON.stringify({ topic: 'attendee.registered', barcode }),
      });
    expect((await send(intake.secret, 'ROT-1')).statusCode).toBe(202);
    const fresh = await createAcceleventsWebhookSecret(getStore().db);
    try {
      clock.now += 5_000;
      expect((await send(intake.secret, 'ROT-2')).statusCode).toBe(404);
      expect((await send(fresh, 'ROT-3')).statusCode).toBe(202);
    } finally {
      // Put the suite's secret back: its digest in the setting.
      await getStore()
        .db.updateTable('settings')
        .set({ value: createHash('sha256').update(intake.secret).digest('hex') })
        .where('key', '=', 'accelevents.webhook_secret_sha256')
        .execute();
      await rotating.app.close();
    }
  });
});
