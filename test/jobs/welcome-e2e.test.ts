/**
 * The welcome flow exactly once, over real HTTP on both databases: registrations
 * posted as webhooks to parley's intake route, the worker running the built-in registration-welcome
 * workflow against the HighLevel sandbox. Duplicate deliveries and later replays of the same body must
 * add nothing: exactly one conversation and one welcome per attendee, with the links kept.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/databases.js';
import { type SandboxHandle, withSandbox } from '../helpers/sandbox.js';
import { drained, EVENT_NAME, postAll, registrationBody, startPipelineWorld } from './pipeline-world.js';

let handle: SandboxHandle;
beforeAll(async () => {
  // Pacing is the bench's concern; here the sandbox allows a large burst so the run stays fast.
  handle = await withSandbox({ attendees: 1, burstLimit: 1_000, burstIntervalMs: 1_000, dailyLimit: 10_000_000 });
});
afterAll(async () => {
  await handle.close();
});

function welcomesIn(locationId: string) {
  return handle.sandbox
    .domain!.state.messages.inLocation(locationId)
    .filter((m) => m.direction === 'outbound' && m.body.includes('thanks for registering for'));
}

describeEachDatabase('welcome flow end to end', (getStore) => {
  it('turns 500 registrations, some delivered twice or replayed, into exactly one welcomed conversation each', async () => {
    const store = getStore();
    const world = await startPipelineWorld(store, handle);
    const state = handle.sandbox.domain!.state;
    // The location is seeded with one sample attendee (and its conversation); count ours on top.
    const seeded = state.conversations.countIn(world.locationId);
    try {
      const bodies = Array.from({ length: 500 }, (_, n) => registrationBody(n, `e2e-${store.dialect}`));
      // 10 % delivered twice, concurrently with the first copy.
      const duplicates = bodies.filter((_, n) => n % 10 === 0);
      const first = await postAll(world.hookUrl, [...bodies, ...duplicates]);
      expect(first.filter((s) => s === 202)).toHaveLength(500);
      expect(first.filter((s) => s === 200)).toHaveLength(50);

      await drained(world.pipeline);
      // Replays: the same bodies again, after their runs finished.
      const replays = bodies.filter((_, n) => n % 7 === 0);
      const again = await postAll(world.hookUrl, replays);
      expect(again.every((s) => s === 200)).toBe(true);
      await drained(world.pipeline);

      expect(state.conversations.countIn(world.locationId) - seeded).toBe(500);
      const welcomes = welcomesIn(world.locationId);
      expect(welcomes).toHaveLength(500);
      expect(new Set(welcomes.map((m) => m.conversationId)).size).toBe(500);
      expect(welcomes.filter((m) => m.messageType === 'TYPE_EMAIL')).toHaveLength(167);
      expect(welcomes[0]!.body).toContain(EVENT_NAME);

      const links = await store.db.selectFrom('attendee_links').selectAll().execute();
      expect(links).toHaveLength(500);
      const messageIds = new Set(welcomes.map((m) => m.id));
      for (const link of links) {
        expect(link.contact_id).toBeTruthy();
        expect(link.conversation_id).toBeTruthy();
        expect(messageIds.has(link.welcome_message_id!)).toBe(true);
      }
      const counts = await world.pipeline.queue.counts();
      expect(counts).toMatchObject({ dead: 0, pending: 0, running: 0 });
      const processed = await store.db
        .selectFrom('inbox')
        .select(({ fn }) => fn.countAll<number>().as('n'))
        .where('status', '=', 'processed')
        .executeTakeFirstOrThrow();
      expect(Number(processed.n)).toBe(500);
    } finally {
      await world.close();
    }
  }, 60_000);
});
