/**
 * When a registration's welcome run fails, its HighLevel workflow trigger firings are planned by the
 * attempt that will not be retried (src/jobs/handlers/accelevents-event-handler.ts): a welcome that
 * fails once and then succeeds fires with the contact its successful run linked, and a welcome that
 * never succeeds still fires, once the job has used its last attempt. Through the real pipeline
 * (webhook route, queue, worker, HighLevel sandbox with its faults switched on) on both databases.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MARKETPLACE_FIRE_JOB } from '../../src/marketplace/plan-firings.js';
import { saveSubscription } from '../../src/marketplace/subscriptions.js';
import { EXECUTE_PATH } from '../../src/sandbox/highlevel/workflow-engine.js';
import type { Store } from '../../src/store/open-database.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { type SandboxHandle, withSandbox } from '../helpers/sandbox.js';
import { post, registrationBody, startPipelineWorld } from '../jobs/pipeline-world.js';

const TRIGGER_KEY = 'accelevents_attendee_registered';

let handle: SandboxHandle;
beforeAll(async () => {
  handle = await withSandbox({ attendees: 1, burstLimit: 1_000, burstIntervalMs: 1_000, dailyLimit: 10_000_000 });
});
afterAll(async () => {
  await handle.close();
});

/** Polls until `read` gives a value (a bound, not a timing assertion). */
async function until<T>(what: string, read: () => Promise<T | undefined>, boundMs = 30_000): Promise<T> {
  const deadline = Date.now() + boundMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describeEachDatabase('marketplace firings of a failed welcome', (getStore) => {
  let runs = 0;

  /** A world with the marketplace feature and one subscribed workflow; the registration's event job. */
  async function registerWhileFailing(store: Store) {
    const world = await startPipelineWorld(store, handle, { marketplace: true, clientRetries: 0 });
    const triggerId = `trg-failed-welcome-${store.dialect}-${++runs}`;
    await saveSubscription(
      store.db,
      {
        triggerId,
        triggerKey: TRIGGER_KEY,
        locationId: world.locationId,
        workflowId: `wf-${runs}`,
        companyId: null,
        targetUrl: `${handle.url}${EXECUTE_PATH}/${world.locationId}/${triggerId}`,
        filters: [],
      },
      Date.now(),
    );
    handle.sandbox.setFaults({ errorRate: 1 });
    const tag = `failed-welcome-${store.dialect}-${runs}`;
    expect(await post(world.hookUrl, registrationBody(runs, tag))).toBe(202);
    const job = () =>
      store.db
        .selectFrom('jobs')
        .select(['id', 'status', 'attempts', 'max_attempts', 'last_error'])
        .where('kind', '=', 'accelevents.event')
        .where('payload', 'like', '%inboxId%')
        .orderBy('created_at', 'desc')
        .executeTakeFirstOrThrow();
    return { world, triggerId, barcode: `${tag}-${runs}`, job };
  }

  async function firingPayloads(store: Store) {
    const jobs = await store.db.selectFrom('jobs').select('payload').where('kind', '=', MARKETPLACE_FIRE_JOB).execute();
    return jobs
      .map((j) => JSON.parse(j.payload).payload as { contactId: string | null; attendee: { id: string } })
      .filter((p) => p.attendee.id !== undefined);
  }

  it('fires a welcome that failed once and then succeeded with the contact of its successful run', async () => {
    const store = getStore();
    const { world, triggerId, barcode, job } = await registerWhileFailing(store);
    try {
      // The first attempt failed and a retry is due: the faults go, so a later attempt succeeds.
      await until('the first attempt to fail', async () => {
        const row = await job();
        return row.attempts >= 1 && row.last_error !== null ? row : undefined;
      });
      const afterFirst = await store.db
        .selectFrom('marketplace_firings')
        .select('id')
        .where('trigger_id', '=', triggerId)
        .execute();
      handle.sandbox.setFaults({ errorRate: 0 });
      const done = await until('the event job to finish', async () => {
        const row = await job();
        return row.status === 'done' || row.status === 'dead' ? row : undefined;
      });
      expect(done.status).toBe('done');
      expect(done.attempts).toBeGreaterThan(1);
      // Nothing was planned by the failed attempt, which was going to be retried.
      expect(afterFirst).toEqual([]);
      const link = await store.db
        .selectFrom('attendee_links')
        .select('contact_id')
        .where('attendee_id', '=', barcode)
        .executeTakeFirstOrThrow();
      const firings = await store.db
        .selectFrom('marketplace_firings')
        .select('event_key')
        .where('trigger_id', '=', triggerId)
        .execute();
      expect(firings).toHaveLength(1);
      const payloads = (await firingPayloads(store)).filter((p) => p.attendee.id === barcode);
      expect(payloads).toHaveLength(1);
      expect(payloads[0]?.contactId).toBe(link.contact_id);
      expect(link.contact_id).not.toBeNull();
    } finally {
      handle.sandbox.setFaults({ errorRate: 0 });
      await world.close();
    }
  });

  it('fires a welcome that never succeeds once its last attempt has failed', async () => {
    const store = getStore();
    const { world, triggerId, barcode, job } = await registerWhileFailing(store);
    try {
      const dead = await until(
        'the event job to use its last attempt',
        async () => {
          const row = await job();
          return row.status === 'dead' ? row : undefined;
        },
        60_000,
      );
      expect(dead.attempts).toBe(dead.max_attempts);
      const firings = await until('the firing to be planned', async () => {
        const rows = await store.db
          .selectFrom('marketplace_firings')
          .select('event_key')
          .where('trigger_id', '=', triggerId)
          .execute();
        return rows.length > 0 ? rows : undefined;
      });
      expect(firings).toHaveLength(1);
      const payloads = (await firingPayloads(store)).filter((p) => p.attendee.id === barcode);
      // No run linked a contact: the firing goes without one rather than not at all.
      expect(payloads.map((p) => p.contactId)).toEqual([null]);
    } finally {
      handle.sandbox.setFaults({ errorRate: 0 });
      await world.close();
    }
  }, 90_000);
});
