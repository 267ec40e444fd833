/**
 * Deliveries that started no run can be run again once the cause is fixed, with nothing resent:
 * a workflow switched back on, or a mapping that now knows the topic or the holder list. Real intake
 * route, real worker, HighLevel sandbox, both databases.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { reprocessDeliveries } from '../../src/intake/reprocess-deliveries.js';
import { setWorkflowEnabled } from '../../src/workflows/workflow-switches.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { type SandboxHandle, withSandbox } from '../helpers/sandbox.js';
import { drained, EVENT_URL, type PipelineWorld, silent, startPipelineWorld } from '../jobs/pipeline-world.js';

let handle: SandboxHandle;
beforeAll(async () => {
  handle = await withSandbox({ attendees: 1, burstLimit: 1_000, burstIntervalMs: 1_000, dailyLimit: 10_000_000 });
});
afterAll(async () => {
  await handle.close();
});

async function post(world: PipelineWorld, body: unknown): Promise<void> {
  const res = await fetch(world.hookUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(202);
}

function welcomesTo(world: PipelineWorld, email: string): number {
  const state = handle.sandbox.domain!.state;
  const contact = state.contacts.findByEmail(world.locationId, email);
  if (!contact) return 0;
  return state.messages
    .inLocation(world.locationId)
    .filter((m) => m.direction === 'outbound' && m.contactId === contact.id).length;
}

describeEachDatabase('reprocessing stored deliveries', (getStore) => {
  it('runs a registration, skipped while its workflow was off, once the workflow is switched on', async () => {
    const store = getStore();
    const world = await startPipelineWorld(store, handle);
    const email = `off.${store.dialect}@example.com`;
    try {
      await setWorkflowEnabled(store.db, 'registration-welcome', false, Date.now());
      await post(world, { topic: 'attendee.registered', eventUrl: EVENT_URL, email, barcode: `OFF-${store.dialect}` });
      await drained(world.pipeline);
      const [row] = await store.db.selectFrom('inbox').selectAll().where('body', 'like', `%${email}%`).execute();
      expect(row).toMatchObject({ status: 'skipped', reason_code: 'workflow_off' });
      expect(row!.reason).toContain('registration-welcome');
      expect(welcomesTo(world, email)).toBe(0);

      await setWorkflowEnabled(store.db, 'registration-welcome', true, Date.now());
      const results = await reprocessDeliveries(
        { db: store.db, queue: world.pipeline.queue, logger: silent },
        { status: 'skipped' },
      );
      expect(results).toEqual([expect.objectContaining({ id: row!.id, status: 'received', queued: 1 })]);
      await drained(world.pipeline);
      expect(welcomesTo(world, email)).toBe(1);
      expect(
        await store.db.selectFrom('inbox').select(['status', 'reason']).where('id', '=', row!.id).executeTakeFirst(),
      ).toEqual({ status: 'processed', reason: null });
    } finally {
      await world.close();
    }
  });

  const signupConfig = { topic: { aliases: { 'attendee.signed_up': 'registration' as const } } };

  /** A sign-up of `email`, ignored for its unknown topic, reprocessed once the topic is mapped. */
  async function reprocessedSignup(world: PipelineWorld, email: string) {
    const store = getStore();
    await post(world, { topic: 'attendee.signed_up', eventUrl: EVENT_URL, email });
    await drained(world.pipeline);
    const [result] = await reprocessDeliveries(
      { db: store.db, queue: world.pipeline.queue, logger: silent, config: signupConfig },
      { status: 'ignored', reasonCode: 'topic_not_recognised' },
    );
    await drained(world.pipeline);
    return result;
  }

  it('welcomes an ignored delivery once its topic is mapped', async () => {
    const store = getStore();
    const world = await startPipelineWorld(store, handle);
    const email = `signup.${store.dialect}@example.com`;
    try {
      const result = await reprocessedSignup(world, email);
      expect(result).toMatchObject({ status: 'received', reasonCode: null, queued: 1 });
      expect(welcomesTo(world, email)).toBe(1);
    } finally {
      await world.close();
    }
  });

  it('sends nothing more when a reprocessed delivery is reprocessed again', async () => {
    const store = getStore();
    const world = await startPipelineWorld(store, handle);
    const email = `signup-again.${store.dialect}@example.com`;
    try {
      const result = await reprocessedSignup(world, email);
      expect(welcomesTo(world, email)).toBe(1);
      await reprocessDeliveries(
        { db: store.db, queue: world.pipeline.queue, logger: silent, config: signupConfig },
        { ids: [result!.id] },
      );
      await drained(world.pipeline);
      expect(welcomesTo(world, email)).toBe(1);
    } finally {
      await world.close();
    }
  });

  it('adds the ticket holders a fixed mapping finds in a stored order, each welcomed once', async () => {
    const store = getStore();
    const world = await startPipelineWorld(store, handle);
    const holders = ['h1', 'h2'].map((n) => `${n}.${store.dialect}@example.com`);
    try {
      // `guests` is no list the default mapping knows, so the order names nobody it can find.
      await post(world, {
        topic: 'ticket.purchased',
        eventUrl: EVENT_URL,
        guests: holders.map((email, i) => ({ email, barcode: `G${i}-${store.dialect}` })),
      });
      await drained(world.pipeline);
      const [row] = await store.db.selectFrom('inbox').selectAll().where('body', 'like', '%guests%').execute();
      expect(row).toMatchObject({ status: 'ignored', reason_code: 'no_attendee' });

      const config = { people: { lists: ['guests'] } };
      const [result] = await reprocessDeliveries(
        { db: store.db, queue: world.pipeline.queue, logger: silent, config },
        { ids: [row!.id] },
      );
      expect(result).toMatchObject({ status: 'received', queued: 2 });
      expect(result!.createdIds).toHaveLength(1);
      await drained(world.pipeline);
      for (const email of holders) expect(welcomesTo(world, email)).toBe(1);
    } finally {
      await world.close();
    }
  });
});
