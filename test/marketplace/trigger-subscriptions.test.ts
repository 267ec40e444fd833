/**
 * POST /marketplace/triggers/subscription behind the marketplace guard, on a real listening app with a
 * real store, vault and connection repository on both databases; the firing planner's ledger (one
 * firing per trigger and happening, filters applied first); and UNINSTALL through the signed
 * POST /hooks/highlevel route deleting the location's subscriptions.
 */
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createConnectionRepository } from '../../src/credentials/connection-repository.js';
import type { ConnectionRepository } from '../../src/credentials/types.js';
import { createHighLevelTokenClient } from '../../src/highlevel/oauth/token-client.js';
import { parseWebhookKeys } from '../../src/intake/highlevel/webhook-keys.js';
import { registerHighLevelWebhookRoute } from '../../src/intake/highlevel/webhook-route.js';
import { createLogger } from '../../src/lib/create-logger.js';
import { MARKETPLACE_SECRET_HEADER, rotateMarketplaceSecret } from '../../src/marketplace/marketplace-secret.js';
import { MARKETPLACE_FIRE_JOB, planFirings } from '../../src/marketplace/plan-firings.js';
import { registerMarketplaceRoutes } from '../../src/marketplace/register-marketplace-routes.js';
import { SUBSCRIPTION_PATH } from '../../src/marketplace/subscription-route.js';
import { deleteLocationSubscriptions, findSubscription } from '../../src/marketplace/subscriptions.js';
import { createQueue } from '../../src/queue/create-queue.js';
import type { Store } from '../../src/store/open-database.js';
import { openVault } from '../../src/vault/open-vault.js';
import { describeEachDatabase } from '../helpers/databases.js';

const silent = createLogger({ level: 'silent' });
const APP_ID = 'parley-test-app';
const webhookKey = generateKeyPairSync('ed25519');
const webhookKeys = parseWebhookKeys({
  ed25519: [webhookKey.publicKey.export({ type: 'spki', format: 'pem' }).toString()],
  rsa: [],
});

describeEachDatabase('marketplace trigger subscriptions', (getStore) => {
  let store: Store;
  let app: FastifyInstance;
  let disabledApp: FastifyInstance;
  let repository: ConnectionRepository;
  let secret: string;
  const installed = `loc-${randomBytes(4).toString('hex')}`;
  const uninstalled = `loc-${randomBytes(4).toString('hex')}`;

  async function connect(locationId: string) {
    return repository.save({
      provider: 'highlevel',
      kind: 'oauth',
      accountKey: `location:${locationId}`,
      label: locationId,
      userType: 'Location',
      locationId,
      scopes: ['workflows.readonly'],
      expiresAt: Date.now() + 3_600_000,
      secrets: { accessToken: 'at', refreshToken: 'rt' },
    });
  }

  beforeAll(async () => {
    store = getStore();
    const vault = await openVault({ db: store.db, masterKey: randomBytes(32), logger: silent });
    repository = createConnectionRepository({ db: store.db, vault });
    secret = await rotateMarketplaceSecret(store.db, vault);
    await connect(installed);
    const gone = await connect(uninstalled);
    await repository.setStatus(gone.id, 'disabled', 'uninstalled in HighLevel');
    app = Fastify();
    registerMarketplaceRoutes(app, { db: store.db, repository, enabled: true, logger: silent });
    await registerHighLevelWebhookRoute(app, {
      keys: webhookKeys,
      repository,
      tokenClient: createHighLevelTokenClient({
        baseUrl: 'http://127.0.0.1:9',
        clientId: `${APP_ID}-x`,
        clientSecret: 's',
      }),
      appId: APP_ID,
      logger: silent,
      onLocationUninstalled: async (locationId) => {
        await deleteLocationSubscriptions(store.db, locationId, Date.now());
      },
    });
    disabledApp = Fastify();
    registerMarketplaceRoutes(disabledApp, { db: store.db, repository, enabled: false, logger: silent });
  });
  afterAll(async () => {
    await app?.close();
    await disabledApp?.close();
  });

  function body(overrides: {
    id?: string;
    key?: string;
    eventType?: string;
    locationId?: string;
    targetUrl?: string;
    filters?: unknown[];
  }) {
    const locationId = overrides.locationId ?? installed;
    const id = overrides.id ?? `trg-${randomBytes(4).toString('hex')}`;
    return {
      triggerData: {
        id,
        key: overrides.key ?? 'accelevents_attendee_registered',
        filters: overrides.filters ?? [],
        eventType: overrides.eventType ?? 'CREATED',
        targetUrl:
          overrides.targetUrl ??
          `https://services.leadconnectorhq.com/workflows-marketplace/triggers/execute/${locationId}/${id}`,
      },
      meta: { key: overrides.key ?? 'accelevents_attendee_registered', version: '1.0' },
      extras: { locationId, workflowId: 'wf-1', companyId: 'co-1' },
    };
  }

  const subscribe = (payload: unknown, headers: Record<string, string> = { [MARKETPLACE_SECRET_HEADER]: secret }) =>
    app.inject({ method: 'POST', url: SUBSCRIPTION_PATH, headers, payload: payload as object });

  it('refuses a call without the secret header with 401 marketplace_secret_invalid', async () => {
    const res = await subscribe(body({}), {});
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('marketplace_secret_invalid');
  });

  it('refuses a call with a wrong secret with 401 and stores nothing', async () => {
    const payload = body({});
    const res = await subscribe(payload, { [MARKETPLACE_SECRET_HEADER]: `${secret}x` });
    expect(res.statusCode).toBe(401);
    expect(await findSubscription(store.db, payload.triggerData.id)).toBeNull();
  });

  it('refuses a location without an active install with 403 marketplace_location_not_installed', async () => {
    for (const locationId of ['loc-never-installed', uninstalled]) {
      const res = await subscribe(body({ locationId }));
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('marketplace_location_not_installed');
    }
  });

  it('answers 404 marketplace_disabled while the feature is off', async () => {
    const res = await disabledApp.inject({
      method: 'POST',
      url: SUBSCRIPTION_PATH,
      headers: { [MARKETPLACE_SECRET_HEADER]: secret },
      payload: body({}),
    });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('marketplace_disabled');
  });

  it('refuses an unknown trigger key with 400 naming triggerData.key', async () => {
    const res = await subscribe(body({ key: 'accelevents_lunch_eaten' }));
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'invalid_subscription' });
    expect(res.json().error.message).toContain('triggerData.key');
  });

  it('refuses a body without eventType with 400 naming the field', async () => {
    const payload = body({}) as { triggerData: Record<string, unknown> };
    delete payload.triggerData.eventType;
    const res = await subscribe(payload);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain('triggerData.eventType');
  });

  it('refuses a targetUrl that names another location than extras.locationId', async () => {
    const res = await subscribe(
      body({ targetUrl: 'https://services.leadconnectorhq.com/workflows-marketplace/triggers/execute/other/t1' }),
    );
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain('triggerData.targetUrl');
  });

  it('stores a CREATED subscription by triggerData.id with its target URL and filters', async () => {
    const filters = [{ field: 'ticket.type', operator: '==', value: 'VIP', title: 'Ticket type', type: 'select' }];
    const payload = body({ filters });
    const res = await subscribe(payload);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ok: true });
    expect(await findSubscription(store.db, payload.triggerData.id)).toMatchObject({
      triggerKey: 'accelevents_attendee_registered',
      locationId: installed,
      workflowId: 'wf-1',
      companyId: 'co-1',
      targetUrl: payload.triggerData.targetUrl,
      filters,
      status: 'active',
    });
  });

  it('UPDATED replaces the filters; DELETED marks it deleted and a later UPDATED does not bring it back', async () => {
    const id = `trg-${randomBytes(4).toString('hex')}`;
    await subscribe(body({ id }));
    await subscribe(body({ id, eventType: 'UPDATED', filters: [{ field: 'event.url', value: 'devconf' }] }));
    expect((await findSubscription(store.db, id))?.filters).toEqual([{ field: 'event.url', value: 'devconf' }]);
    expect((await subscribe(body({ id, eventType: 'DELETED' }))).statusCode).toBe(200);
    expect((await findSubscription(store.db, id))?.status).toBe('deleted');
    expect((await subscribe(body({ id, eventType: 'UPDATED' }))).statusCode).toBe(200);
    expect((await findSubscription(store.db, id))?.status).toBe('deleted');
  });

  it('plans one firing per subscription and happening, however often the happening is replayed', async () => {
    const locationId = `loc-${randomBytes(4).toString('hex')}`;
    await connect(locationId);
    const payload = body({ locationId });
    await subscribe(payload);
    const queue = createQueue({ store });
    const happening = {
      triggerKey: 'accelevents_attendee_registered' as const,
      id: `registration:devconf:${locationId}@example.com`,
      locationId,
      occurredAt: Date.now(),
      contactId: null,
      attendee: { id: 'AE-1', email: `${locationId}@example.com`, ticketType: 'General' },
      event: { key: 'devconf' },
    };
    const deps = { db: store.db, queue, logger: silent };
    expect(await planFirings(deps, happening)).toEqual({ queued: 1, filtered: 0, duplicates: 0 });
    expect(await planFirings(deps, happening)).toEqual({ queued: 0, filtered: 0, duplicates: 1 });
    await Promise.all([planFirings(deps, happening), planFirings(deps, happening)]);
    const firings = await store.db
      .selectFrom('marketplace_firings')
      .selectAll()
      .where('trigger_id', '=', payload.triggerData.id)
      .execute();
    expect(firings).toHaveLength(1);
    expect(firings[0]).toMatchObject({ status: 'queued', event_key: happening.id });
    const jobs = await store.db
      .selectFrom('jobs')
      .select('payload')
      .where('kind', '=', MARKETPLACE_FIRE_JOB)
      .where('dedupe_key', '=', `marketplace:${firings[0]!.id}`)
      .execute();
    expect(jobs).toHaveLength(1);
    expect(JSON.parse(jobs[0]!.payload).payload).toMatchObject({
      type: 'accelevents_attendee_registered',
      attendee: { id: 'AE-1' },
      ticket: { type: 'General' },
      event: { url: 'devconf' },
    });
  });

  it('records a happening a ticket-type filter excludes as filtered, with no job', async () => {
    const locationId = `loc-${randomBytes(4).toString('hex')}`;
    await connect(locationId);
    const payload = body({ locationId, filters: [{ field: 'ticket.type', operator: '==', value: 'VIP' }] });
    await subscribe(payload);
    const deps = { db: store.db, queue: createQueue({ store }), logger: silent };
    const happening = (ticketType: string) => ({
      triggerKey: 'accelevents_attendee_registered' as const,
      id: `registration:devconf:${ticketType}@example.com`,
      locationId,
      occurredAt: Date.now(),
      contactId: null,
      attendee: { id: ticketType, ticketType },
      event: { key: 'devconf' },
    });
    expect(await planFirings(deps, happening('General'))).toEqual({ queued: 0, filtered: 1, duplicates: 0 });
    expect(await planFirings(deps, happening('vip'))).toEqual({ queued: 1, filtered: 0, duplicates: 0 });
    const rows = await store.db
      .selectFrom('marketplace_firings')
      .select(['event_key', 'status'])
      .where('trigger_id', '=', payload.triggerData.id)
      .orderBy('event_key')
      .execute();
    expect(rows).toEqual([
      { event_key: 'registration:devconf:General@example.com', status: 'filtered' },
      { event_key: 'registration:devconf:vip@example.com', status: 'queued' },
    ]);
  });

  it("UNINSTALL of a location deletes its subscriptions and leaves other locations' alone", async () => {
    const leaving = `loc-${randomBytes(4).toString('hex')}`;
    await connect(leaving);
    const gone = body({ locationId: leaving });
    const kept = body({});
    await subscribe(gone);
    await subscribe(kept);
    const event = Buffer.from(
      JSON.stringify({ type: 'UNINSTALL', appId: APP_ID, locationId: leaving, timestamp: new Date().toISOString() }),
    );
    const res = await app.inject({
      method: 'POST',
      url: '/hooks/highlevel',
      headers: {
        'content-type': 'application/json',
        'x-ghl-signature': sign(null, event, webhookKey.privateKey).toString('base64'),
      },
      payload: event,
    });
    expect(res.statusCode).toBe(200);
    expect((await findSubscription(store.db, gone.triggerData.id))?.status).toBe('deleted');
    expect((await findSubscription(store.db, kept.triggerData.id))?.status).toBe('active');
    // And the location's next call is refused: its install is gone.
    expect((await subscribe(body({ locationId: leaving }))).statusCode).toBe(403);
  });
});
