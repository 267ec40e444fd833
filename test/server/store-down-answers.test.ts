/**
 * With the database gone under a running app, no answer to anyone carries the driver's message, code,
 * host or port: /metrics, the console API and pages, OAuth install and callback, both webhook routes
 * and /readyz answer generically (503 `{ error: 'unavailable' }` where the route has nothing better).
 * Both databases with the store closed under the app; PostgreSQL also with the server refusing
 * connections (a proxy in front of it is shut), which is what gave ECONNREFUSED and 127.0.0.1:<port>.
 */

import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { applyFileDefaults } from '../../src/app/file-config-defaults.js';
import { composeWorkflows } from '../../src/app/open-runtime.js';
import { createWorkflowTestRunner } from '../../src/app/workflow-test-runner.js';
import { registerHighLevelOAuthRoutes } from '../../src/connect/highlevel/oauth-routes.js';
import { createOAuthStateStore } from '../../src/connect/highlevel/oauth-state-store.js';
import { registerConsole } from '../../src/console/register-console.js';
import { createConnectionRepository } from '../../src/credentials/connection-repository.js';
import { DEFAULT_FEATURES } from '../../src/features/feature-names.js';
import { planScopes } from '../../src/features/scope-planner.js';
import { createHighLevelTokenClient } from '../../src/highlevel/oauth/token-client.js';
import { registerAcceleventsWebhookRoute } from '../../src/intake/accelevents-webhook-route.js';
import { parseWebhookKeys } from '../../src/intake/highlevel/webhook-keys.js';
import { registerHighLevelWebhookRoute } from '../../src/intake/highlevel/webhook-route.js';
import { createLogger } from '../../src/lib/create-logger.js';
import { createQueue } from '../../src/queue/create-queue.js';
import { createHighLevelAccess } from '../../src/ratelimit/highlevel-access.js';
import { createLocalIndex } from '../../src/search/local-index.js';
import { createApp } from '../../src/server/create-app.js';
import { registerMetricsRoute } from '../../src/server/metrics-route.js';
import { openDatabase, type Store } from '../../src/store/open-database.js';
import { openVault } from '../../src/vault/open-vault.js';
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from '../helpers/databases.js';

const logger = createLogger({ level: 'silent' });
/** Nothing listens here: HighLevel is never reached in these tests. */
const NOWHERE = 'http://127.0.0.1:9';
/** The key HighLevel webhooks are signed with in these tests; the route trusts it. */
const webhookKey = generateKeyPairSync('ed25519');

/** A signed HighLevel message event, so the route gets as far as storing it. */
function signedInboundMessage(): { payload: string; headers: Record<string, string> } {
  const payload = JSON.stringify({
    type: 'InboundMessage',
    webhookId: `wh-${randomBytes(6).toString('hex')}`,
    timestamp: new Date().toISOString(),
    locationId: 'location-1',
    conversationId: 'conversation-1',
    messageId: 'message-1',
    body: 'Hello',
  });
  const signature = sign(null, Buffer.from(payload), webhookKey.privateKey).toString('base64');
  return { payload, headers: { 'content-type': 'application/json', 'x-ghl-signature': signature } };
}

/** parley's HTTP routes on `store`, composed as src/app/run-parley.ts composes them. */
async function parleyRoutes(store: Store): Promise<FastifyInstance> {
  const { db } = store;
  const app = createApp({
    logger,
    checkReady: async () => {
      await sql`select 1`.execute(db);
      return { database: store.dialect };
    },
  });
  const repository = createConnectionRepository({
    db,
    vault: await openVault({ db, masterKey: randomBytes(32), logger }),
  });
  const tokenClient = createHighLevelTokenClient({ baseUrl: NOWHERE, clientId: 'parley-test', clientSecret: 'x' });
  const queue = createQueue({ store });
  await registerHighLevelOAuthRoutes(app, {
    config: {
      authorizeUrl: `${NOWHERE}/oauth`,
      clientId: 'parley-test',
      redirectUri: 'http://127.0.0.1/oauth/highlevel/callback',
    },
    repository,
    tokenClient,
    states: createOAuthStateStore({ db }),
    plan: (userType) => planScopes(DEFAULT_FEATURES, { userType }),
    logger,
  });
  await registerHighLevelWebhookRoute(app, {
    keys: parseWebhookKeys({
      ed25519: [webhookKey.publicKey.export({ type: 'spki', format: 'pem' }).toString()],
      rsa: [],
    }),
    repository,
    tokenClient,
    appId: 'parley-test',
    logger,
    inbox: { db, queue },
  });
  await registerAcceleventsWebhookRoute(app, { db, queue, logger });
  registerMetricsRoute(app, { db });
  const config = applyFileDefaults({}, { env: {}, port: 0, sandboxUrl: NOWHERE });
  await registerConsole(app, {
    db,
    dialect: store.dialect,
    index: createLocalIndex({ db, dialect: store.dialect }),
    highlevel: createHighLevelAccess({
      store,
      auth: { getAccessToken: async () => 'unused' },
      baseUrl: NOWHERE,
      appId: 'parley-test',
      logger,
    }),
    queue,
    repository,
    config,
    ...composeWorkflows({ store, config }),
    testRuns: createWorkflowTestRunner({ logger }),
    defaultLocationId: async () => null,
    secureCookies: false,
    logger,
    now: Date.now,
  });
  await app.ready();
  return app;
}

interface Probe {
  name: string;
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  payload?: string;
}

/** Every public route, as an unauthenticated (or made-up) caller would reach it. */
const probes = (): Probe[] => [
  { name: 'GET /metrics', method: 'GET', url: '/metrics' },
  { name: 'GET /readyz', method: 'GET', url: '/readyz' },
  {
    name: 'GET /api/conversations',
    method: 'GET',
    url: '/api/conversations',
    headers: { authorization: 'Bearer pk_made_up' },
  },
  {
    name: 'GET /console page',
    method: 'GET',
    url: '/console/admin/connections',
    headers: { cookie: 'parley_session=made-up' },
  },
  {
    name: 'GET /oauth/highlevel/start',
    method: 'GET',
    url: '/oauth/highlevel/start',
    headers: { cookie: 'parley_session=made-up' },
  },
  { name: 'GET /oauth/highlevel/callback', method: 'GET', url: '/oauth/highlevel/callback?code=c&state=s' },
  { name: 'POST /hooks/highlevel', method: 'POST', url: '/hooks/highlevel', ...signedInboundMessage() },
  {
    name: 'POST /hooks/accelevents',
    method: 'POST',
    url: '/hooks/accelevents/made-up-secret',
    headers: { 'content-type': 'application/json' },
    payload: '{}',
  },
];

/** Routes that have nothing better to say than "the database is unavailable". */
const PLAIN_UNAVAILABLE = new Set([
  'GET /metrics',
  'GET /api/conversations',
  'GET /console page',
  'GET /oauth/highlevel/start',
]);

async function expectNoLeaks(app: FastifyInstance, forbidden: readonly string[]): Promise<void> {
  for (const probe of probes()) {
    const response = await app.inject({
      method: probe.method,
      url: probe.url,
      headers: probe.headers ?? {},
      ...(probe.payload === undefined ? {} : { payload: probe.payload }),
    });
    const shown = `${probe.name} → ${response.statusCode} ${response.body}`;
    for (const word of forbidden) expect(shown.toLowerCase()).not.toContain(word.toLowerCase());
    // HighLevel retries only a 429 (src/intake/highlevel/highlevel-events.ts); everything else is a 5xx.
    expect(response.statusCode === 429 || response.statusCode >= 500, shown).toBe(true);
    if (PLAIN_UNAVAILABLE.has(probe.name)) {
      expect(response.statusCode, shown).toBe(503);
      expect(response.json(), shown).toMatchObject({ error: 'unavailable' });
    }
  }
}

/** What drivers put in their messages once the store is closed. */
const CLOSED_WORDS = ['destroyed', 'pool', 'not open', 'sqlite', 'kysely', 'driver', 'stack'];

describe.each(DATABASE_KINDS)('answers with the store closed under a running app [%s]', (kind) => {
  let database: TestDatabase | undefined;
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    await database?.dispose();
  });

  it('gives every caller a generic answer: 503 unavailable, or the route’s own retry answer', async () => {
    database = await openTestDatabase(kind);
    app = await parleyRoutes(database.store);
    await database.store.close();
    const where = database.location.databaseUrl ? new URL(database.location.databaseUrl) : null;
    await expectNoLeaks(app, [
      ...CLOSED_WORDS,
      ...(where ? [where.host, where.pathname.slice(1)] : [database.location.dataDir ?? '']),
    ]);
  });
});

describe('answers while PostgreSQL refuses connections [postgres]', () => {
  let database: TestDatabase | undefined;
  let store: Store | undefined;
  let app: FastifyInstance | undefined;
  let proxy: Server | undefined;
  const sockets = new Set<Socket>();
  afterEach(async () => {
    await app?.close();
    await store?.close();
    await database?.dispose();
  });

  it('never shows ECONNREFUSED or the address it could not reach', async () => {
    database = await openTestDatabase('postgres');
    const target = new URL(database.location.databaseUrl ?? '');
    // A proxy in front of PostgreSQL; shutting it makes the server's address refuse connections.
    proxy = createServer((client) => {
      const upstream = netConnect(Number(target.port), target.hostname);
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('error', () => socket.destroy());
        socket.on('close', () => sockets.delete(socket));
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => proxy?.listen(0, '127.0.0.1', resolve));
    const address = proxy.address();
    const proxyPort = typeof address === 'object' && address ? address.port : 0;
    const proxied = new URL(target);
    proxied.port = String(proxyPort);
    store = await openDatabase({ databaseUrl: proxied.toString(), logger, migrate: false });
    app = await parleyRoutes(store);

    await new Promise<void>((resolve) => {
      proxy?.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
    await expectNoLeaks(app, [
      'ECONNREFUSED',
      `127.0.0.1:${proxyPort}`,
      String(proxyPort),
      target.pathname.slice(1),
      'terminated',
    ]);
  });
});
