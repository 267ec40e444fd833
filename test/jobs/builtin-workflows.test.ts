/**
 * The built-in workflows beyond the registration welcome, each through the composed pipeline over real
 * HTTP against the HighLevel sandbox and a real store: the check-in welcome and the stored reply to
 * its preference question, the sponsor channel's relay to each staff contact, and session highlights.
 * Inbound messages enter the way POST /hooks/highlevel leaves them: an inbox row plus a
 * `highlevel.event` job (src/intake/highlevel/highlevel-events.ts), here seeded directly.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ComposedJobs, composeJobs } from '../../src/app/compose-jobs.js';
import { loadEnabledWorkflows } from '../../src/features/enabled-workflows.js';
import type { GetMessagesResponse } from '../../src/highlevel/normalize-get-messages.js';
import { registerAcceleventsWebhookRoute } from '../../src/intake/accelevents-webhook-route.js';
import { HIGHLEVEL_EVENT_JOB } from '../../src/intake/highlevel/highlevel-events.js';
import { createAcceleventsWebhookSecret } from '../../src/intake/webhook-secret.js';
import { createLocationResolver } from '../../src/jobs/location-resolver.js';
import { runTriggered } from '../../src/jobs/run-triggered.js';
import { createTemplateEngine } from '../../src/lib/template-engine.js';
import { PAYLOAD_SHAPES } from '../../src/sandbox/accelevents/webhook-payloads.js';
import type { Store } from '../../src/store/open-database.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { type SandboxHandle, withSandbox } from '../helpers/sandbox.js';
import { drained, EVENT_NAME, EVENT_URL, post, silent } from './pipeline-world.js';

let handle: SandboxHandle;
beforeAll(async () => {
  handle = await withSandbox({ attendees: 1, burstLimit: 1_000, burstIntervalMs: 1_000, dailyLimit: 10_000_000 });
});
afterAll(async () => {
  await handle.close();
});

interface World {
  pipeline: ComposedJobs;
  app: FastifyInstance;
  hookUrl: string;
  locationId: string;
  close(): Promise<void>;
}

async function startWorld(store: Store, staffContactIds: string[] = [], locationId?: string): Promise<World> {
  const location = locationId ?? handle.sandbox.addLocation({ attendees: 1 }).location.id;
  const token = handle.sandbox.issueToken({ locationId: location }).accessToken;
  const workflows = await loadEnabledWorkflows({
    features: ['checkin-welcome', 'sponsor-channel', 'session-highlights'],
    sponsorStaffContactIds: staffContactIds,
  });
  const pipeline = composeJobs({
    store,
    auth: { getAccessToken: async () => token },
    baseUrl: handle.url,
    appId: handle.sandbox.appId,
    workflows,
    locations: createLocationResolver({ defaultLocationId: location }),
    eventNames: { [EVENT_URL]: EVENT_NAME },
    logger: silent,
    concurrency: 4,
    pollMs: 20,
    backoff: { baseMs: 50, capMs: 500 },
  });
  const app = Fastify({ logger: false });
  await registerAcceleventsWebhookRoute(app, { db: store.db, queue: pipeline.queue, logger: silent });
  const secret = await createAcceleventsWebhookSecret(store.db);
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  pipeline.start();
  return {
    pipeline,
    app,
    hookUrl: `${base}/hooks/accelevents/${secret}`,
    locationId: location,
    close: async () => {
      await pipeline.stop({ graceMs: 1_000 });
      await app.close();
    },
  };
}

async function upsertContact(world: World, body: Record<string, unknown>): Promise<string> {
  const result = await world.pipeline.client.call<{ contact: { id: string } }>('upsert-contact', {
    body: { locationId: world.locationId, ...body },
    locationId: world.locationId,
  });
  return result.data.contact.id;
}

async function messagesOf(
  world: World,
  contactId: string,
): Promise<{ body: string; direction: string; subject: string | null }[]> {
  const search = await world.pipeline.client.call<{ conversations: { id: string }[] }>('search-conversation', {
    query: { locationId: world.locationId, contactId },
    locationId: world.locationId,
  });
  const conversation = search.data.conversations[0];
  if (!conversation) return [];
  // The client hands get-messages back normalized (src/highlevel/normalize-get-messages.ts).
  const page = await world.pipeline.client.call<GetMessagesResponse>('get-messages', {
    path: { conversationId: conversation.id },
    query: { limit: 100 },
    locationId: world.locationId,
  });
  return page.data.messages.map((m) => ({
    body: m.body ?? '',
    direction: m.direction ?? '',
    subject: handle.sandbox.domain?.state.messages.get(m.id)?.email?.subject ?? null,
  }));
}

/** What POST /hooks/highlevel stores for an InboundMessage, and the job it enqueues. */
async function deliverInbound(world: World, store: Store, event: Record<string, unknown>): Promise<void> {
  const id = randomUUID();
  const webhookId = randomUUID();
  await store.db
    .insertInto('inbox')
    .values({
      id,
      source: 'highlevel',
      dedupe_key: `highlevel:${webhookId}`,
      topic: 'InboundMessage',
      content_type: 'application/json',
      headers: '{}',
      body: JSON.stringify({ type: 'InboundMessage', locationId: world.locationId, webhookId, ...event }),
      mapped: null,
      status: 'received',
      error: null,
      received_at: Date.now(),
      processed_at: null,
    })
    .execute();
  await world.pipeline.queue.enqueue({ kind: HIGHLEVEL_EVENT_JOB, payload: { inboxId: id } });
}

function checkInBody(tag: string): string {
  return JSON.stringify(
    PAYLOAD_SHAPES.flat({
      topic: 'attendee.checked_in',
      occurredAt: 1_760_000_000_000,
      event: { eventId: 42, eventUrl: EVENT_URL, eventName: EVENT_NAME },
      order: {
        orderId: 777,
        purchaseDate: '2026-01-01T10:00:00Z',
        totalAmount: 0,
        purchaser: { firstName: 'Grace', lastName: 'Hopper', email: `grace.${tag}@example.com` },
      },
      attendee: {
        barcode: `checkin-${tag}`,
        eventTicketingId: 5_001,
        userId: 9_001,
        firstName: 'Grace',
        lastName: 'Hopper',
        email: `grace.${tag}@example.com`,
        phoneNumber: '+15550009001',
        ticketType: 'General Admission',
        ticketStatus: 'CHECKED_IN',
      },
    }),
  );
}

describeEachDatabase('built-in workflows', (getStore) => {
  /** A check-in of the attendee `checkin-<tag>` through the webhook, with every job it queued done. */
  async function checkIn(store: Store, world: World, tag: string) {
    expect(await post(world.hookUrl, checkInBody(tag))).toBe(202);
    await drained(world.pipeline);
    const link = await store.db
      .selectFrom('attendee_links')
      .selectAll()
      .where('attendee_id', '=', `checkin-${tag}`)
      .executeTakeFirstOrThrow();
    expect(link.event_key).toBe(`check-in:${EVENT_URL}`);
    const contactId = link.contact_id;
    if (contactId === null) throw new Error('the check-in link has no contact');
    return { link, contactId };
  }

  it('sends the check-in preference question', async () => {
    const store = getStore();
    const world = await startWorld(store);
    try {
      const { contactId } = await checkIn(store, world, store.dialect);
      const sent = await messagesOf(world, contactId);
      expect(sent.filter((m) => m.direction === 'outbound').map((m) => m.body)).toEqual([
        expect.stringContaining('Reply 1 for keynote updates, 2 for workshop reminders'),
      ]);
    } finally {
      await world.close();
    }
  });

  it('stores the reply "2" to the check-in question as workshops, raw text beside it', async () => {
    const store = getStore();
    const world = await startWorld(store);
    try {
      const tag = `${store.dialect}-reply`;
      const { link, contactId } = await checkIn(store, world, tag);
      await deliverInbound(world, store, {
        contactId,
        conversationId: link.conversation_id,
        messageId: `reply-${tag}`,
        messageType: 'SMS',
        body: '2',
      });
      await drained(world.pipeline);
      const preferences = await store.db
        .selectFrom('preferences')
        .selectAll()
        .where('contact_id', '=', contactId)
        .orderBy('key')
        .execute();
      expect(preferences.map((p) => [p.key, p.value])).toEqual([
        ['updates', 'workshops'],
        ['updates.raw', '2'],
      ]);
    } finally {
      await world.close();
    }
  });

  it('relays a sponsor-tagged contact’s message to each staff conversation once, even when delivered twice', async () => {
    const store = getStore();
    const locationId = handle.sandbox.addLocation({ attendees: 1 }).location.id;
    // Staff exist before the pipeline is configured with their ids, as an operator would set it up.
    const setup = await startWorld(store, [], locationId);
    const staffSms = await upsertContact(setup, { firstName: 'Sam', phone: '+15550001111', email: 'sam@example.com' });
    const staffEmail = await upsertContact(setup, { firstName: 'Eve', email: 'eve.staff@example.com' });
    const sponsor = await upsertContact(setup, {
      firstName: 'Acme',
      lastName: 'Corp',
      email: 'hello@acme.example.com',
      tags: ['sponsor'],
    });
    const attendee = await upsertContact(setup, { firstName: 'Ann', email: 'ann@example.com', tags: ['attendee'] });
    await setup.close();

    const world = await startWorld(store, [staffSms, staffEmail], locationId);
    try {
      const inbound = { contactId: sponsor, messageType: 'Email', body: 'Booth 12 has free t-shirts' };
      await deliverInbound(world, store, { ...inbound, messageId: `sponsor-msg-${store.dialect}` });
      // A replayed delivery (new webhookId, same message) and a non-sponsor's message relay nothing.
      await deliverInbound(world, store, { ...inbound, messageId: `sponsor-msg-${store.dialect}` });
      await deliverInbound(world, store, {
        contactId: attendee,
        messageType: 'Email',
        body: 'not for staff',
        messageId: `attendee-msg-${store.dialect}`,
      });
      await drained(world.pipeline);

      const expected = `[Sponsor Acme Corp (${sponsor})] Booth 12 has free t-shirts`;
      for (const staff of [staffSms, staffEmail]) {
        const relayed = (await messagesOf(world, staff)).filter((m) => m.direction === 'outbound');
        expect(relayed.map((m) => m.body)).toEqual([expected]);
        expect(relayed[0]?.subject).toBe(staff === staffEmail ? 'Message from sponsor Acme Corp' : null);
      }
      expect(await messagesOf(world, sponsor)).toEqual([]);
      const dead = await world.pipeline.queue.counts();
      expect(dead.dead).toBe(0);
    } finally {
      await world.close();
    }
  });

  it('sends one session thank-you, without a link, for a hand-made session.ended event without a recording', async () => {
    const store = getStore();
    const world = await startWorld(store);
    try {
      const event = {
        key: `session-ended:${EVENT_URL}:s-1:hl-${store.dialect}`,
        locationId: world.locationId,
        data: {
          event: { key: EVENT_URL, id: '42', name: EVENT_NAME, timeZone: 'UTC' },
          session: {
            id: 's-1',
            title: 'Durable queues',
            format: 'Workshop',
            formatCode: 'WORKSHOP',
            date: 'Sun, Mar 1, 2026',
            startTime: '10:00 AM UTC',
            endTime: '11:00 AM UTC',
            when: 'Sun, Mar 1, 2026, 10:00 AM to 11:00 AM UTC',
            zone: 'UTC',
            startsAt: Date.UTC(2026, 2, 1, 10),
            endsAt: Date.UTC(2026, 2, 1, 11),
            recordingUrl: null,
          },
          attendee: {
            id: `hl-${store.dialect}`,
            firstName: 'Lin',
            email: `lin.${store.dialect}@example.com`,
            phone: null,
          },
        },
      };
      const deps = {
        db: store.db,
        highlevel: world.pipeline.client,
        workflows: world.pipeline.workflows,
        logger: silent,
        engine: createTemplateEngine(),
      };
      const [outcome] = await runTriggered(deps, 'session.ended', event);
      if (!outcome) throw new Error('session-highlights did not run');
      expect(outcome.workflow).toBe('session-highlights');
      expect(outcome.status).toBe('completed');
      // The same event again is the same run: nothing more is sent.
      const [again] = await runTriggered(deps, 'session.ended', event);
      expect(again?.alreadyFinished).toBe(true);

      const contactId = (outcome.outputs.contact as { id: string }).id;
      const sent = (await messagesOf(world, contactId)).filter((m) => m.direction === 'outbound');
      expect(sent).toHaveLength(1);
      // Lin has no phone: the Email, with the session's times and a subject, and no link it does not have.
      expect(sent[0]?.body).toContain(
        'Thanks for joining "Durable queues" at DevConf 2026 (Workshop, Sun, Mar 1, 2026, 10:00 AM to 11:00 AM UTC).',
      );
      expect(sent[0]?.body).not.toMatch(/https?:|recording/i);
      expect(sent[0]?.subject).toBe('Thanks for joining Durable queues');
    } finally {
      await world.close();
    }
  });
});
