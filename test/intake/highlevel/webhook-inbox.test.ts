/**
 * POST /hooks/highlevel with the inbox wired, on both databases, fed by the HighLevel sandbox's real
 * signed deliveries over a real socket: message events are stored once per webhookId with one
 * `highlevel.event` job, replays answer 200 duplicate, and nothing unverified is stored. Also the
 * 7-day pruning of processed rows.
 */
import { generateKeyPairSync, randomBytes, randomUUID, sign } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { createConnectionRepository } from '../../../src/credentials/connection-repository.js';
import { createHighLevelTokenClient } from '../../../src/highlevel/oauth/token-client.js';
import { HIGHLEVEL_EVENT_JOB } from '../../../src/intake/highlevel/highlevel-events.js';
import {
  fetchSandboxWebhookKeys,
  mergeWebhookKeys,
  parseWebhookKeys,
} from '../../../src/intake/highlevel/webhook-keys.js';
import { registerHighLevelWebhookRoute } from '../../../src/intake/highlevel/webhook-route.js';
import { MIN_DEDUPE_WINDOW_MS, pruneInbox } from '../../../src/intake/prune-inbox.js';
import { PRIORITY } from '../../../src/lib/priority-lanes.js';
import type { OperationHandler } from '../../../src/sandbox/highlevel/types.js';
import { openVault } from '../../../src/vault/open-vault.js';
import { describeEachDatabase } from '../../helpers/databases.js';
import { type SandboxHandle, withSandbox } from '../../helpers/sandbox.js';
import { createInboxTestQueue, type InboxTestQueue } from '../inbox-test-queue.js';
import { clearPipeline, inboxRows, jobRows, silent } from '../intake-app.js';

const testKey = generateKeyPairSync('ed25519');
const testKeys = parseWebhookKeys({
  ed25519: [testKey.publicKey.export({ type: 'spki', format: 'pem' }).toString()],
  rsa: [],
});

/** PUT /conversations/<Type> makes the sandbox emit a signed webhook of that type for the caller's location. */
const emitByPath: OperationHandler = (req, ctx) => {
  const type = req.params['conversationId'] as
    | 'InboundMessage'
    | 'OutboundMessage'
    | 'ConversationUnreadUpdate'
    | 'UNINSTALL';
  const { locationId } = req.principal;
  const common = { locationId: locationId!, contactId: 'contact-1', conversationId: 'conv-1' };
  if (type === 'ConversationUnreadUpdate') ctx.emit({ type, ...common, id: 'conv-1', unreadCount: 1 });
  else if (type === 'UNINSTALL') ctx.emit({ type, locationId: locationId! });
  else
    ctx.emit({
      type,
      ...common,
      messageId: `msg-${randomUUID()}`,
      body: 'Hello',
      messageType: 'SMS',
      direction: 'inbound',
    });
  return { status: 200, body: { success: true } };
};

describeEachDatabase('POST /hooks/highlevel → inbox', (getStore) => {
  let sandbox: SandboxHandle;
  let app: FastifyInstance;
  let queue: InboxTestQueue;
  const signatureHeaders: Record<string, string>[] = [];

  beforeAll(async () => {
    sandbox = await withSandbox({ handlers: { 'update-conversation': emitByPath } });
    const { db } = getStore();
    queue = createInboxTestQueue(db);
    app = Fastify();
    app.addHook('onRequest', async (request) => {
      const pick = (name: string) => request.headers[name];
      const ed = pick('x-ghl-signature');
      const rsa = pick('x-wh-signature');
      if (typeof ed === 'string' && typeof rsa === 'string') {
        signatureHeaders.push({ 'x-ghl-signature': ed, 'x-wh-signature': rsa });
      }
    });
    await registerHighLevelWebhookRoute(app, {
      keys: mergeWebhookKeys(await fetchSandboxWebhookKeys(sandbox.url), testKeys),
      repository: createConnectionRepository({
        db,
        vault: await openVault({ db, masterKey: randomBytes(32), logger: silent }),
      }),
      tokenClient: createHighLevelTokenClient({
        baseUrl: sandbox.url,
        clientId: sandbox.sandbox.clientId,
        clientSecret: sandbox.sandbox.clientSecret,
      }),
      appId: sandbox.sandbox.appId,
      logger: silent,
      inbox: { db, queue },
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    sandbox.sandbox.webhooks.setUrl(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}/hooks/highlevel`);
  });
  afterAll(async () => {
    await app?.close();
    await sandbox?.close();
  });
  beforeEach(async () => {
    queue.failAfterInsert = false;
    await clearPipeline(getStore());
  });

  /** Makes the sandbox emit `type`, waits for the delivery, and returns its exact body, headers and our answer. */
  async function sandboxEmits(type: string) {
    const { accessToken } = sandbox.sandbox.issueToken();
    const res = await fetch(`${sandbox.url}/conversations/${type}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${accessToken}`, version: '2021-04-15', 'content-type': 'application/json' },
      body: JSON.stringify({ locationId: sandbox.sandbox.defaultLocationId, unreadCount: 0 }),
    });
    expect(res.status).toBe(200);
    await sandbox.sandbox.webhooks.flush();
    return sandbox.sandbox.webhooks.deliveries.at(-1)!;
  }

  const replay = (body: string | Buffer, headers: Record<string, string>) =>
    app.inject({
      method: 'POST',
      url: '/hooks/highlevel',
      headers: { 'content-type': 'application/json', ...headers },
      payload: body,
    });

  function signedByTest(payload: unknown) {
    const body = Buffer.from(JSON.stringify(payload));
    return { body, headers: { 'x-ghl-signature': sign(null, body, testKey.privateKey).toString('base64') } };
  }

  it('stores each message event once with a highlevel.event job, keyed by its webhookId', async () => {
    for (const type of ['InboundMessage', 'OutboundMessage', 'ConversationUnreadUpdate']) {
      const delivery = await sandboxEmits(type);
      expect([delivery.type, delivery.attempts.at(-1)?.status]).toEqual([type, 200]);
    }
    const rows = await inboxRows(getStore(), 'highlevel');
    expect(rows.map((r) => [r.topic, r.status])).toEqual([
      ['InboundMessage', 'received'],
      ['OutboundMessage', 'received'],
      ['ConversationUnreadUpdate', 'received'],
    ]);
    const inbound = sandbox.sandbox.webhooks.deliveries.at(-3)!;
    expect(rows[0]).toMatchObject({
      dedupe_key: `webhook:${inbound.webhookId}`,
      body: inbound.body,
      content_type: 'application/json',
    });
    expect(rows[0]!.mapped).toMatchObject({
      type: 'InboundMessage',
      conversationId: 'conv-1',
      webhookId: inbound.webhookId,
    });
    expect(rows[0]!.headers['x-ghl-signature']).toEqual(expect.any(String));
    const jobs = await jobRows(getStore(), HIGHLEVEL_EVENT_JOB);
    expect(jobs.map((j) => j.payload.inboxId).sort()).toEqual(rows.map((r) => r.id).sort());
    expect(new Set(jobs.map((j) => j.priority))).toEqual(new Set([PRIORITY.automation]));
  });

  it('dedupes every replay of a signed event to its first delivery', async () => {
    const delivery = await sandboxEmits('InboundMessage');
    const received = await inboxRows(getStore(), 'highlevel');
    expect(received).toHaveLength(1);
    const signature = signatureHeaders.at(-1)!;
    expect(signature['x-ghl-signature']).toEqual(expect.any(String));
    // The exact bytes and signatures the sandbox sent, five more times, and once concurrently.
    for (let i = 0; i < 5; i += 1) {
      const res = await replay(delivery.body, signature);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ duplicate: true, id: received[0]!.id });
    }
    const burst = await Promise.all(Array.from({ length: 5 }, () => replay(delivery.body, signature)));
    expect(burst.map((r) => r.json().duplicate)).toEqual([true, true, true, true, true]);
    // Re-signed by another trusted key, same webhookId: still the same event.
    const resigned = signedByTest(JSON.parse(delivery.body));
    expect((await replay(resigned.body, resigned.headers)).json()).toMatchObject({ duplicate: true });
    expect(await inboxRows(getStore(), 'highlevel')).toHaveLength(1);
    expect(await jobRows(getStore(), HIGHLEVEL_EVENT_JOB)).toHaveLength(1);
  });

  const freshEvent = () => ({ webhookId: randomUUID(), timestamp: new Date().toISOString(), locationId: 'loc' });
  const expectNothingStored = async () => {
    expect(await inboxRows(getStore(), 'highlevel')).toEqual([]);
    expect(await jobRows(getStore(), HIGHLEVEL_EVENT_JOB)).toEqual([]);
  };

  it('answers 401 to an unsigned or tampered delivery, storing nothing', async () => {
    const fresh = freshEvent();
    const unsigned = await replay(JSON.stringify({ type: 'InboundMessage', ...fresh }), {});
    expect(unsigned.statusCode).toBe(401);
    const forged = signedByTest({ type: 'InboundMessage', ...fresh });
    const tampered = Buffer.from(forged.body.toString().replace('InboundMessage', 'OutboundMessage'));
    expect((await replay(tampered, forged.headers)).statusCode).toBe(401);
    await expectNothingStored();
  });

  it('refuses a delivery with a stale timestamp, storing nothing', async () => {
    const stale = signedByTest({
      type: 'InboundMessage',
      ...freshEvent(),
      timestamp: new Date(Date.now() - 600_000).toISOString(),
    });
    expect((await replay(stale.body, stale.headers)).json()).toMatchObject({ error: 'stale_webhook' });
    await expectNothingStored();
  });

  it('stores nothing for an event type parley does not act on', async () => {
    const contact = signedByTest({ type: 'ContactCreate', ...freshEvent() });
    expect((await replay(contact.body, contact.headers)).json()).toEqual({
      accepted: false,
      reason: 'not handled yet',
    });
    await expectNothingStored();
  });

  it('stores only the id of an UNINSTALL, with no job', async () => {
    const delivery = await sandboxEmits('UNINSTALL');
    expect(delivery.attempts.at(-1)?.status).toBe(200);
    // The UNINSTALL's webhookId is claimed (so a replay is refused); it queues no job.
    expect((await inboxRows(getStore(), 'highlevel')).map((r) => [r.topic, r.status])).toEqual([
      ['UNINSTALL', 'processed'],
    ]);
    expect(await jobRows(getStore(), HIGHLEVEL_EVENT_JOB)).toEqual([]);
  });

  const inboundEvent = () =>
    signedByTest({
      type: 'InboundMessage',
      webhookId: randomUUID(),
      timestamp: new Date().toISOString(),
    });

  it('answers 429 (the one status HighLevel retries), keeping nothing, when the enqueue fails', async () => {
    queue.failAfterInsert = true;
    const event = inboundEvent();
    const res = await replay(event.body, event.headers);
    expect(res.statusCode).toBe(429);
    expect(res.json()).toEqual({ error: 'retry_later' });
    expect(await inboxRows(getStore(), 'highlevel')).toEqual([]);
    expect(await jobRows(getStore(), HIGHLEVEL_EVENT_JOB)).toEqual([]);
  });

  it('accepts HighLevel’s retry of an event whose enqueue failed', async () => {
    queue.failAfterInsert = true;
    const event = inboundEvent();
    await replay(event.body, event.headers);
    queue.failAfterInsert = false;
    expect((await replay(event.body, event.headers)).json()).toMatchObject({ accepted: true });
  });

  it('pruneInbox deletes only the processed rows older than the window', async () => {
    const now = Date.UTC(2026, 5, 1);
    const day = 24 * 60 * 60 * 1000;
    const seed = [
      ['old-processed', 'processed', now - 8 * day],
      ['old-received', 'received', now - 30 * day],
      ['old-ignored', 'ignored', now - 30 * day],
      ['old-failed', 'failed', now - 30 * day],
      ['recent-processed', 'processed', now - 6 * day],
    ] as const;
    for (const [id, status, at] of seed) {
      await getStore()
        .db.insertInto('inbox')
        .values({
          id,
          source: 'highlevel',
          dedupe_key: `webhook:${id}`,
          topic: 'InboundMessage',
          content_type: 'application/json',
          headers: '{}',
          body: '{}',
          mapped: null,
          status,
          error: null,
          received_at: at,
          processed_at: status === 'processed' ? at : null,
        })
        .execute();
    }
    expect(await pruneInbox(getStore().db, { now: () => now })).toBe(1);
    expect((await inboxRows(getStore(), 'highlevel')).map((r) => r.id).sort()).toEqual(
      ['old-failed', 'old-ignored', 'old-received', 'recent-processed'].sort(),
    );
  });

  it('pruneInbox refuses a window under 7 days', async () => {
    await expect(pruneInbox(getStore().db, { olderThanMs: MIN_DEDUPE_WINDOW_MS - 1 })).rejects.toThrow(
      'olderThanMs must be at least 604800000 (7 days',
    );
  });
});
