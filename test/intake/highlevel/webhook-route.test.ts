/**
 * POST /hooks/highlevel on a real listening Fastify app, fed by the sandbox's real signed webhook
 * deliveries (Ed25519 + RSA over the exact bytes sent), with a real vault and store on both databases.
 * The sandbox's domain emits no INSTALL/UNINSTALL, so a handler of this test emits them through the
 * sandbox's own signer, the way http-webhooks.test.ts does. Payloads the sandbox cannot produce
 * (agency-level events, malformed JSON) are signed with a key pair of this test that the route trusts.
 */
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createConnectionRepository } from '../../../src/credentials/connection-repository.js';
import type { ConnectionRepository } from '../../../src/credentials/types.js';
import { createHighLevelTokenClient } from '../../../src/highlevel/oauth/token-client.js';
import { UNINSTALLED_REASON } from '../../../src/intake/highlevel/install-events.js';
import {
  fetchSandboxWebhookKeys,
  mergeWebhookKeys,
  parseWebhookKeys,
  type WebhookKeys,
} from '../../../src/intake/highlevel/webhook-keys.js';
import { registerHighLevelWebhookRoute } from '../../../src/intake/highlevel/webhook-route.js';
import { createLogger } from '../../../src/lib/create-logger.js';
import { createQueue } from '../../../src/queue/create-queue.js';
import type { OperationHandler } from '../../../src/sandbox/highlevel/types.js';
import { openVault } from '../../../src/vault/open-vault.js';
import { describeEachDatabase } from '../../helpers/databases.js';
import { type SandboxHandle, withSandbox } from '../../helpers/sandbox.js';

const silent = createLogger({ level: 'silent' });
const testKey = generateKeyPairSync('ed25519');
const testKeys = parseWebhookKeys({
  ed25519: [testKey.publicKey.export({ type: 'spki', format: 'pem' }).toString()],
  rsa: [],
});

/** PUT /conversations/<TYPE> makes the sandbox emit that webhook for the caller's location. */
const emitByPath: OperationHandler = (req, ctx) => {
  const type = req.params['conversationId'];
  const { locationId, companyId } = req.principal;
  if (type === 'INSTALL') ctx.emit({ type: 'INSTALL', locationId: locationId!, companyId, userId: 'u1' });
  else if (type === 'UNINSTALL') ctx.emit({ type: 'UNINSTALL', locationId: locationId! });
  else ctx.emit({ type: 'ConversationUnreadUpdate', locationId: locationId!, id: type, unreadCount: 0 });
  return { status: 200, body: { success: true } };
};

describeEachDatabase('POST /hooks/highlevel', (getStore) => {
  let sandbox: SandboxHandle;
  let app: FastifyInstance;
  let repository: ConnectionRepository;
  let sandboxKeys: WebhookKeys;
  const clock = { skewMs: 0 };
  const received: { headers: Record<string, string | string[] | undefined>; status: number }[] = [];

  async function appWith(keys: WebhookKeys, withInbox = false): Promise<FastifyInstance> {
    const instance = Fastify();
    instance.addHook('onResponse', async (request, reply) => {
      received.push({ headers: request.headers, status: reply.statusCode });
    });
    await registerHighLevelWebhookRoute(instance, {
      keys,
      repository,
      tokenClient: createHighLevelTokenClient({
        baseUrl: sandbox.url,
        clientId: sandbox.sandbox.clientId,
        clientSecret: sandbox.sandbox.clientSecret,
      }),
      appId: sandbox.sandbox.appId,
      now: () => Date.now() + clock.skewMs,
      logger: silent,
      ...(withInbox ? { inbox: { db: getStore().db, queue: createQueue({ store: getStore() }) } } : {}),
    });
    return instance;
  }

  beforeAll(async () => {
    sandbox = await withSandbox({ handlers: { 'update-conversation': emitByPath } });
    const { db } = getStore();
    repository = createConnectionRepository({
      db,
      vault: await openVault({ db, masterKey: randomBytes(32), logger: silent }),
    });
    sandboxKeys = await fetchSandboxWebhookKeys(sandbox.url);
    app = await appWith(mergeWebhookKeys(sandboxKeys, testKeys));
    await app.listen({ port: 0, host: '127.0.0.1' });
    sandbox.sandbox.webhooks.setUrl(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}/hooks/highlevel`);
  });
  afterAll(async () => {
    await app?.close();
    await sandbox?.close();
  });

  /** Makes the sandbox emit `type` for `locationId`, delivers it, and returns the delivered body and our answer. */
  async function sandboxEmits(type: string, locationId = sandbox.sandbox.defaultLocationId) {
    const { accessToken } = sandbox.sandbox.issueToken({ locationId });
    const res = await fetch(`${sandbox.url}/conversations/${type}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${accessToken}`, version: '2021-04-15', 'content-type': 'application/json' },
      body: JSON.stringify({ locationId, unreadCount: 0 }),
    });
    expect(res.status).toBe(200);
    await sandbox.sandbox.webhooks.flush();
    const delivery = sandbox.sandbox.webhooks.deliveries.at(-1)!;
    return { body: delivery.body, status: delivery.attempts.at(-1)?.status, headers: received.at(-1)!.headers };
  }

  const post = (body: string | Buffer, headers: Record<string, string>, target = app) =>
    target.inject({
      method: 'POST',
      url: '/hooks/highlevel',
      headers: { 'content-type': 'application/json', ...headers },
      payload: body,
    });

  const signed = (payload: unknown) => {
    const body = Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload));
    return { body, headers: { 'x-ghl-signature': sign(null, body, testKey.privateKey).toString('base64') } };
  };

  async function saveAgency() {
    const { accessToken, refreshToken } = sandbox.sandbox.issueToken({ userType: 'Company' });
    return repository.save({
      provider: 'highlevel',
      kind: 'oauth',
      accountKey: `company:${sandbox.sandbox.companyId}`,
      label: 'agency',
      userType: 'Company',
      companyId: sandbox.sandbox.companyId,
      scopes: ['oauth.readonly', 'oauth.write'],
      expiresAt: Date.now() + 3_600_000,
      secrets: { accessToken, refreshToken: refreshToken! },
    });
  }

  it('accepts a sandbox-signed webhook through the Ed25519 key the sandbox publishes; other events are not handled yet', async () => {
    const delivered = await sandboxEmits('conv1');
    expect(delivered.status).toBe(200);
    const onlyEd = await post(delivered.body, { 'x-ghl-signature': delivered.headers['x-ghl-signature'] as string });
    expect(onlyEd.statusCode).toBe(200);
    expect(onlyEd.json()).toEqual({ accepted: false, reason: 'not handled yet' });
  });

  it('falls back to the RSA x-wh-signature when the Ed25519 header is absent', async () => {
    const delivered = await sandboxEmits('conv2');
    const onlyRsa = await post(delivered.body, { 'x-wh-signature': delivered.headers['x-wh-signature'] as string });
    expect(onlyRsa.statusCode).toBe(200);
    const rsaOnlyApp = await appWith({ ed25519: [], rsa: sandboxKeys.rsa });
    const both = {
      'x-ghl-signature': delivered.headers['x-ghl-signature'] as string,
      'x-wh-signature': delivered.headers['x-wh-signature'] as string,
    };
    expect((await post(delivered.body, both, rsaOnlyApp)).statusCode).toBe(200);
    await rsaOnlyApp.close();
  });

  it('answers 401 invalid_signature for a body changed by one byte, a wrong key, or no signature', async () => {
    const delivered = await sandboxEmits('conv3');
    const headers = {
      'x-ghl-signature': delivered.headers['x-ghl-signature'] as string,
      'x-wh-signature': delivered.headers['x-wh-signature'] as string,
    };
    const changed = Buffer.from(delivered.body);
    changed[changed.length - 3] = (changed[changed.length - 3] ?? 0) ^ 1;
    const tampered = await post(changed, headers);
    expect(tampered.statusCode).toBe(401);
    expect(tampered.json()).toEqual({ error: 'invalid_signature' });

    const strangerApp = await appWith(testKeys);
    expect((await post(delivered.body, headers, strangerApp)).statusCode).toBe(401);
    await strangerApp.close();

    expect((await post(delivered.body, {})).json()).toEqual({ error: 'invalid_signature' });
  });

  /** Has the sandbox emit an INSTALL for a new location while parley's clock runs 5 min 1 s ahead. */
  async function installSeenAsStale() {
    await saveAgency();
    const second = sandbox.sandbox.addLocation({ attendees: 0 }).location.id;
    clock.skewMs = 5 * 60_000 + 1_000;
    try {
      const delivered = await sandboxEmits('INSTALL', second);
      const answer = await post(delivered.body, { 'x-ghl-signature': delivered.headers['x-ghl-signature'] as string });
      return { second, delivered, answer };
    } finally {
      clock.skewMs = 0;
    }
  }

  it('answers 401 stale_webhook when the timestamp is more than 5 minutes old', async () => {
    const { delivered, answer } = await installSeenAsStale();
    expect(delivered.status).toBe(401);
    expect(answer.json()).toMatchObject({
      error: 'stale_webhook',
      message: expect.stringMatching(/^timestamp is \d+ s old; the limit is 300 s$/),
    });
  });

  it('acts on nothing for a stale webhook', async () => {
    const { second } = await installSeenAsStale();
    expect(await repository.findByAccountKey(`location:${second}`)).toBeNull();
  });

  it('answers stale_webhook when the timestamp is more than 5 minutes ahead', async () => {
    const future = signed({ type: 'INSTALL', timestamp: new Date(Date.now() + 400_000).toISOString() });
    expect((await post(future.body, future.headers)).json()).toMatchObject({ error: 'stale_webhook' });
  });

  it('answers 400 for a correctly signed body that is not a JSON object', async () => {
    const broken = signed('{"type":"INSTALL",');
    const res = await post(broken.body, broken.headers);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'invalid_json' });
    const array = signed([1, 2]);
    expect((await post(array.body, array.headers)).statusCode).toBe(400);
  });

  it('INSTALL saves a location token minted from the agency connection', async () => {
    const agency = await saveAgency();
    const location = sandbox.sandbox.addLocation({ attendees: 0 }).location.id;
    const delivered = await sandboxEmits('INSTALL', location);
    expect(delivered.status).toBe(200);
    const connection = await repository.findByAccountKey(`location:${location}`);
    expect(connection).toMatchObject({
      kind: 'location_token',
      parentId: agency.id,
      status: 'ok',
      locationId: location,
    });
    const { accessToken } = await repository.readSecrets(connection!.id);
    const search = await fetch(`${sandbox.url}/oauth/installedLocations?companyId=x&appId=y`, {
      headers: { authorization: `Bearer ${accessToken}`, version: '2021-07-28' },
    });
    // A location token, not an agency one: the agency-only route refuses it.
    expect(search.status).toBe(403);
  });

  it('UNINSTALL marks the location connection disabled with the reason', async () => {
    const location = sandbox.sandbox.addLocation({ attendees: 0 }).location.id;
    await saveAgency();
    expect((await sandboxEmits('INSTALL', location)).status).toBe(200);
    expect((await sandboxEmits('UNINSTALL', location)).status).toBe(200);
    const connection = await repository.findByAccountKey(`location:${location}`);
    expect(connection).toMatchObject({ status: 'disabled', statusReason: UNINSTALLED_REASON });
  });

  it('an agency UNINSTALL disables the agency connection with every location token it minted', async () => {
    const agency = await saveAgency();
    const location = sandbox.sandbox.addLocation({ attendees: 0 }).location.id;
    expect((await sandboxEmits('INSTALL', location)).status).toBe(200);
    const event = signed({
      type: 'UNINSTALL',
      appId: sandbox.sandbox.appId,
      companyId: sandbox.sandbox.companyId,
      timestamp: new Date().toISOString(),
    });
    const res = await post(event.body, event.headers);
    expect(res.json()).toMatchObject({ accepted: true, action: 'disabled' });
    const children = (await repository.list()).filter((c) => c.parentId === agency.id);
    expect(children.length).toBeGreaterThan(0);
    for (const c of [agency, ...children]) {
      expect(await repository.get(c.id)).toMatchObject({ status: 'disabled', statusReason: UNINSTALLED_REASON });
    }
  });

  it('answers 200 with nothing done for an INSTALL whose company has no agency connection', async () => {
    for (const c of await repository.list()) await repository.delete(c.id);
    const location = sandbox.sandbox.addLocation({ attendees: 0 }).location.id;
    const delivered = await sandboxEmits('INSTALL', location);
    expect(delivered.status).toBe(200);
    expect(await repository.list()).toEqual([]);
  });

  /** Connects a new location with a Private Integration Token. */
  async function locationWithPit() {
    const location = sandbox.sandbox.addLocation({ attendees: 0 }).location.id;
    const pit = await repository.save({
      provider: 'highlevel',
      kind: 'pit',
      accountKey: `location:${location}`,
      label: 'pit',
      userType: 'Location',
      locationId: location,
      scopes: ['conversations.readonly'],
      secrets: { accessToken: sandbox.sandbox.issueToken({ locationId: location, kind: 'pit' }).accessToken },
    });
    return { location, pit };
  }

  it('leaves a Private Integration Token connected when the app is uninstalled', async () => {
    const { location, pit } = await locationWithPit();
    expect((await sandboxEmits('UNINSTALL', location)).status).toBe(200);
    expect((await repository.get(pit.id))?.status).toBe('ok');
  });

  it('ignores an uninstall of another app', async () => {
    const { location } = await locationWithPit();
    const other = signed({
      type: 'UNINSTALL',
      appId: 'another-app',
      locationId: location,
      timestamp: new Date().toISOString(),
    });
    expect((await post(other.body, other.headers)).json()).toEqual({
      accepted: false,
      reason: 'event for another app',
    });
  });

  it('acts on a replayed, signed UNINSTALL only once: the replay inside the timestamp window changes nothing', async () => {
    const withInbox = await appWith(testKeys, true);
    try {
      await saveAgency();
      const location = sandbox.sandbox.addLocation({ attendees: 0 }).location.id;
      const event = (type: string, webhookId: string) =>
        signed({
          type,
          appId: sandbox.sandbox.appId,
          companyId: sandbox.sandbox.companyId,
          locationId: location,
          webhookId,
          timestamp: new Date().toISOString(),
        });
      const install = event('INSTALL', `install-1-${location}`);
      expect((await post(install.body, install.headers, withInbox)).statusCode).toBe(200);
      const uninstall = event('UNINSTALL', `uninstall-1-${location}`);
      expect((await post(uninstall.body, uninstall.headers, withInbox)).json()).toMatchObject({ action: 'disabled' });
      const reinstall = event('INSTALL', `install-2-${location}`);
      expect((await post(reinstall.body, reinstall.headers, withInbox)).statusCode).toBe(200);
      expect(await repository.findByAccountKey(`location:${location}`)).toMatchObject({ status: 'ok' });

      const replay = await post(uninstall.body, uninstall.headers, withInbox);
      expect(replay.json()).toMatchObject({ duplicate: true });
      expect(await repository.findByAccountKey(`location:${location}`)).toMatchObject({ status: 'ok' });
    } finally {
      await withInbox.close();
    }
  });
});
