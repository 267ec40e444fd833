/**
 * The check-in preference question end to end, on both databases: an Accelevents check-in through the
 * intake route sends the welcome with the question; the HighLevel sandbox adds the attendee's reply
 * (add-an-inbound-message), which reaches parley as the sandbox's signed InboundMessage webhook on
 * POST /hooks/highlevel; the pipeline stores the answer and sends the confirmation, or the re-ask, in
 * the same conversation, once per inbound message: a replayed delivery, and the same message under a
 * new webhookId, send nothing more. With the tag option on (a copy of the reply workflow), the
 * contact also gets the chosen value as a tag.
 */
import { generateKeyPairSync, randomBytes, randomInt, randomUUID, sign } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ComposedJobs, composeJobs } from '../../src/app/compose-jobs.js';
import { createConnectionRepository } from '../../src/credentials/connection-repository.js';
import { BUILTIN_WORKFLOWS_DIR, loadEnabledWorkflows } from '../../src/features/enabled-workflows.js';
import { createHighLevelTokenClient } from '../../src/highlevel/oauth/token-client.js';
import { registerAcceleventsWebhookRoute } from '../../src/intake/accelevents-webhook-route.js';
import {
  fetchSandboxWebhookKeys,
  mergeWebhookKeys,
  parseWebhookKeys,
} from '../../src/intake/highlevel/webhook-keys.js';
import { registerHighLevelWebhookRoute } from '../../src/intake/highlevel/webhook-route.js';
import { createAcceleventsWebhookSecret } from '../../src/intake/webhook-secret.js';
import { createLocationResolver } from '../../src/jobs/location-resolver.js';
import { PAYLOAD_SHAPES } from '../../src/sandbox/accelevents/webhook-payloads.js';
import type { WebhookDelivery } from '../../src/sandbox/highlevel/webhook-dispatcher.js';
import type { Store } from '../../src/store/open-database.js';
import { openVault } from '../../src/vault/open-vault.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { type SandboxHandle, withSandbox } from '../helpers/sandbox.js';
import { drained, EVENT_NAME, EVENT_URL, post, silent } from './pipeline-world.js';

/** A key of our own next to the sandbox's, so the test can sign a redelivery under a new webhookId. */
const testKey = generateKeyPairSync('ed25519');
/** One vault key per database: each world opens the same database's vault again. */
const MASTER_KEY = randomBytes(32);

let handle: SandboxHandle;
let userDir: string;
beforeAll(async () => {
  handle = await withSandbox({ attendees: 1, burstLimit: 1_000, burstIntervalMs: 1_000, dailyLimit: 10_000_000 });
  userDir = await mkdtemp(join(tmpdir(), 'parley-preferences-'));
});
afterAll(async () => {
  await handle?.close();
  if (userDir) await rm(userDir, { recursive: true, force: true });
});

interface World {
  pipeline: ComposedJobs;
  app: FastifyInstance;
  acceleventsHook: string;
  highlevelHook: string;
  locationId: string;
  token: string;
  close(): Promise<void>;
}

async function startWorld(store: Store, userPath: string | null = null): Promise<World> {
  const locationId = handle.sandbox.addLocation({ attendees: 1 }).location.id;
  const token = handle.sandbox.issueToken({ locationId }).accessToken;
  const workflows = await loadEnabledWorkflows({ features: ['checkin-welcome'], userPath });
  const pipeline = composeJobs({
    store,
    auth: { getAccessToken: async () => token },
    baseUrl: handle.url,
    appId: handle.sandbox.appId,
    workflows,
    locations: createLocationResolver({ defaultLocationId: locationId }),
    eventNames: { [EVENT_URL]: EVENT_NAME },
    logger: silent,
    concurrency: 4,
    pollMs: 20,
    backoff: { baseMs: 50, capMs: 500 },
  });
  const app = Fastify({ logger: false });
  await registerAcceleventsWebhookRoute(app, { db: store.db, queue: pipeline.queue, logger: silent });
  const testKeys = parseWebhookKeys({
    ed25519: [testKey.publicKey.export({ type: 'spki', format: 'pem' }).toString()],
    rsa: [],
  });
  await registerHighLevelWebhookRoute(app, {
    keys: mergeWebhookKeys(await fetchSandboxWebhookKeys(handle.url), testKeys),
    repository: createConnectionRepository({
      db: store.db,
      vault: await openVault({ db: store.db, masterKey: MASTER_KEY, logger: silent }),
    }),
    tokenClient: createHighLevelTokenClient({
      baseUrl: handle.url,
      clientId: handle.sandbox.clientId,
      clientSecret: handle.sandbox.clientSecret,
    }),
    appId: handle.sandbox.appId,
    logger: silent,
    inbox: { db: store.db, queue: pipeline.queue },
  });
  const secret = await createAcceleventsWebhookSecret(store.db);
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const highlevelHook = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/hooks/highlevel`;
  handle.sandbox.webhooks.setUrl(highlevelHook);
  pipeline.start();
  return {
    pipeline,
    app,
    acceleventsHook: `${base}/hooks/accelevents/${secret}`,
    highlevelHook,
    locationId,
    token,
    close: async () => {
      handle.sandbox.webhooks.setUrl(undefined);
      await pipeline.stop({ graceMs: 1_000 });
      await app.close();
    },
  };
}

function checkInBody(barcode: string, email: string, phone: string | null): string {
  return JSON.stringify(
    PAYLOAD_SHAPES.flat({
      topic: 'attendee.checked_in',
      occurredAt: 1_760_000_000_000,
      event: { eventId: 42, eventUrl: EVENT_URL, eventName: EVENT_NAME },
      order: {
        orderId: 777,
        purchaseDate: '2026-01-01T10:00:00Z',
        totalAmount: 0,
        purchaser: { firstName: 'Grace', lastName: 'Hopper', email },
      },
      attendee: {
        barcode,
        eventTicketingId: 5_001,
        userId: 9_001,
        firstName: 'Grace',
        lastName: 'Hopper',
        email,
        phoneNumber: phone,
        ticketType: 'General Admission',
        ticketStatus: 'CHECKED_IN',
      },
    }),
  );
}

/** Checks an attendee in (with a phone of their own: an SMS welcome) and returns the link the welcome saved. */
async function checkIn(world: World, store: Store, barcode: string) {
  const n = String(randomInt(1_000_000, 9_999_999));
  expect(await post(world.acceleventsHook, checkInBody(barcode, `grace.${n}@example.com`, `+1555${n}`))).toBe(202);
  await drained(world.pipeline);
  const link = await store.db
    .selectFrom('attendee_links')
    .selectAll()
    .where('attendee_id', '=', barcode)
    .executeTakeFirstOrThrow();
  if (link.contact_id === null || link.conversation_id === null) throw new Error('the check-in link is incomplete');
  return { contactId: link.contact_id, conversationId: link.conversation_id };
}

/** The attendee writes back: HighLevel (the sandbox) records it and delivers the signed InboundMessage webhook. */
async function reply(world: World, to: { contactId: string; conversationId: string }, text: string) {
  const res = await fetch(`${handle.url}/conversations/messages/inbound`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${world.token}`,
      version: '2021-04-15',
      'content-type': 'application/json',
    },
    body: JSON.stringify({
      type: 'SMS',
      conversationId: to.conversationId,
      contactId: to.contactId,
      conversationProviderId: 'sandbox-sms',
      message: text,
    }),
  });
  expect(res.status).toBe(200);
  await handle.sandbox.webhooks.flush();
  await drained(world.pipeline);
  const delivery = handle.sandbox.webhooks.deliveries.findLast((d) => d.type === 'InboundMessage');
  if (!delivery) throw new Error('the sandbox delivered no InboundMessage');
  expect(delivery.attempts.at(-1)?.status).toBe(200);
  return delivery;
}

function outbound(conversationId: string): string[] {
  return (handle.sandbox.domain?.state.messages.thread(conversationId) ?? [])
    .filter((m) => m.direction === 'outbound')
    .map((m) => m.body);
}

async function preferencesOf(store: Store, contactId: string): Promise<[string, string][]> {
  const rows = await store.db
    .selectFrom('preferences')
    .select(['key', 'value'])
    .where('contact_id', '=', contactId)
    .orderBy('key')
    .execute();
  return rows.map((row) => [row.key, row.value]);
}

/** Posts a body to POST /hooks/highlevel signed with the test key, and waits for the queue. */
async function deliverSigned(world: World, body: Buffer): Promise<Record<string, unknown>> {
  const signature = sign(null, body, testKey.privateKey).toString('base64');
  const res = await fetch(world.highlevelHook, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-ghl-signature': signature },
    body,
  });
  expect(res.status).toBe(200);
  const answer = (await res.json()) as Record<string, unknown>;
  await drained(world.pipeline);
  return answer;
}

/** The same delivery again, byte for byte (same webhookId), as HighLevel's retry would send it. */
function replay(world: World, delivery: WebhookDelivery): Promise<Record<string, unknown>> {
  return deliverSigned(world, Buffer.from(delivery.body));
}

/** The same message under a new webhookId and timestamp. */
async function redeliverAsNew(world: World, delivery: WebhookDelivery): Promise<void> {
  const event = JSON.parse(delivery.body) as Record<string, unknown>;
  const body = { ...event, webhookId: randomUUID(), timestamp: new Date().toISOString() };
  expect(await deliverSigned(world, Buffer.from(JSON.stringify(body)))).toMatchObject({ accepted: true });
}

describeEachDatabase('check-in preference question', (getStore) => {
  /** Checks `barcode` in, sees the question asked, and replies "2 please". */
  async function repliedTwoPlease(world: World, store: Store, barcode: string) {
    const attendee = await checkIn(world, store, barcode);
    expect(outbound(attendee.conversationId)).toEqual([
      expect.stringContaining('Reply 1 for keynote updates, 2 for workshop reminders, 3 for networking news.'),
    ]);
    const delivery = await reply(world, attendee, '2 please');
    return { attendee, delivery };
  }

  it('stores the reply "2 please" as workshops, raw text beside it', async () => {
    const store = getStore();
    const world = await startWorld(store);
    try {
      const { attendee } = await repliedTwoPlease(world, store, `pref-ok-${store.dialect}`);
      expect(await preferencesOf(store, attendee.contactId)).toEqual([
        ['updates', 'workshops'],
        ['updates.raw', '2 please'],
      ]);
    } finally {
      await world.close();
    }
  });

  it('sends one confirmation of the reply "2 please"', async () => {
    const store = getStore();
    const world = await startWorld(store);
    try {
      const { attendee } = await repliedTwoPlease(world, store, `pref-confirm-${store.dialect}`);
      const [, confirmation, ...more] = outbound(attendee.conversationId);
      expect(confirmation).toBe("Thanks! You'll get workshop reminders.");
      expect(more).toEqual([]);
    } finally {
      await world.close();
    }
  });

  it('changes nothing for a replayed or redelivered answer', async () => {
    const store = getStore();
    const world = await startWorld(store);
    try {
      const { attendee, delivery } = await repliedTwoPlease(world, store, `pref-replay-${store.dialect}`);
      // HighLevel's retry of the same delivery is a duplicate; the same message under a new webhookId
      // finds its run finished. Neither stores or sends anything.
      expect(await replay(world, delivery)).toMatchObject({ duplicate: true });
      await redeliverAsNew(world, delivery);
      expect(outbound(attendee.conversationId)).toHaveLength(2);
      expect(await preferencesOf(store, attendee.contactId)).toEqual([
        ['updates', 'workshops'],
        ['updates.raw', '2 please'],
      ]);
    } finally {
      await world.close();
    }
  });

  it('takes the attendee’s next message after the answer as conversation, changing nothing', async () => {
    const store = getStore();
    const world = await startWorld(store);
    try {
      const { attendee } = await repliedTwoPlease(world, store, `pref-after-${store.dialect}`);
      // Once answered, the attendee's next message is conversation: nothing stored, nothing sent.
      await reply(world, attendee, 'see you at the keynote!');
      expect(outbound(attendee.conversationId)).toHaveLength(2);
      expect(await preferencesOf(store, attendee.contactId)).toEqual([
        ['updates', 'workshops'],
        ['updates.raw', '2 please'],
      ]);
      expect((await world.pipeline.queue.counts()).dead).toBe(0);
    } finally {
      await world.close();
    }
  });

  it('answers an unparsed reply with one re-ask naming the options, keeps its raw text, then takes the next answer', async () => {
    const store = getStore();
    const world = await startWorld(store);
    try {
      const attendee = await checkIn(world, store, `pref-reask-${store.dialect}`);
      const delivery = await reply(world, attendee, 'hmm, 1 or 3?');
      expect(outbound(attendee.conversationId).slice(1)).toEqual([
        "Sorry, I didn't catch that. Reply 1 for keynote updates, 2 for workshop reminders, 3 for networking news.",
      ]);
      expect(await preferencesOf(store, attendee.contactId)).toEqual([['updates.raw', 'hmm, 1 or 3?']]);

      await redeliverAsNew(world, delivery);
      expect(outbound(attendee.conversationId)).toHaveLength(2);

      await reply(world, attendee, 'Networking');
      expect(outbound(attendee.conversationId).slice(2)).toEqual(["Thanks! You'll get networking news."]);
      expect(await preferencesOf(store, attendee.contactId)).toEqual([
        ['updates', 'networking'],
        ['updates.raw', 'Networking'],
      ]);
      expect((await world.pipeline.queue.counts()).dead).toBe(0);
    } finally {
      await world.close();
    }
  });

  it('tags the contact with the chosen value when a copy of the reply workflow turns tagContact on', async () => {
    const store = getStore();
    const builtin = await readFile(join(BUILTIN_WORKFLOWS_DIR, 'checkin-preference-reply.yaml'), 'utf8');
    const file = join(userDir, `reply-${store.dialect}.yaml`);
    await writeFile(file, builtin.replace('tagContact: false', 'tagContact: true'));
    const world = await startWorld(store, file);
    try {
      const attendee = await checkIn(world, store, `pref-tag-${store.dialect}`);
      await reply(world, attendee, 'two');
      expect(handle.sandbox.domain?.state.contacts.get(attendee.contactId)?.tags).toContain('workshops');
      expect(outbound(attendee.conversationId).slice(1)).toEqual(["Thanks! You'll get workshop reminders."]);
      expect((await world.pipeline.queue.counts()).dead).toBe(0);
    } finally {
      await world.close();
    }
  });
});
