/**
 * Reconciliation against the Accelevents sandbox over real HTTP, on both databases. A "webhook
 * already received" is stored exactly as intake stores it: the sandbox's own delivery body, mapped
 * with intake's mapping and keyed with intake's dedupe key.
 */
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { ACCELEVENTS_EVENT_JOB } from '../../../src/intake/accelevents-webhook-route.js';
import { acceleventsDedupeKey } from '../../../src/intake/dedupe-key.js';
import { mapPayload } from '../../../src/intake/map-payload.js';
import { storeDelivery } from '../../../src/intake/store-delivery.js';
import { compileMapping, resolveWebhookConfig } from '../../../src/intake/webhook-config.js';
import { createReconciler } from '../../../src/jobs/pollers/reconciler.js';
import { PRIORITY } from '../../../src/lib/priority-lanes.js';
import type { AcceleventsSandbox } from '../../../src/sandbox/accelevents/create-sandbox.js';
import { clientFor, SUMMIT, startSandbox } from '../../accelevents/sandbox-fixture.js';
import { describeEachDatabase } from '../../helpers/databases.js';
import { clearPipelineTables, fixedClock, jobsOfKind, queueOn, silentLogger } from './pollers-fixture.js';

let sandbox: AcceleventsSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ attendees: 4 });
});
afterAll(async () => {
  await sandbox.close();
});

describeEachDatabase('reconciler', (getStore) => {
  const clock = fixedClock();
  beforeEach(async () => {
    await clearPipelineTables(getStore().db);
  });

  function reconciler() {
    const store = getStore();
    return createReconciler({
      db: store.db,
      queue: queueOn(store, clock),
      accelevents: clientFor(sandbox),
      events: [SUMMIT],
      logger: silentLogger,
      now: clock.now,
    });
  }

  /** What POST /hooks/accelevents/:secret stores for the sandbox's registration webhook of `barcode`. */
  async function receiveWebhookFor(barcode: string) {
    const delivery = sandbox.emit('attendee.registered', { eventUrl: SUMMIT, barcode });
    const mapped = mapPayload(JSON.parse(delivery.body), compileMapping(resolveWebhookConfig()));
    const raw = Buffer.from(delivery.body);
    const { key } = acceleventsDedupeKey({ mapped, headers: {}, rawBody: raw, deliveryIdHeader: null });
    const store = getStore();
    await storeDelivery(
      { db: store.db, queue: queueOn(store, clock), now: clock.now },
      {
        source: 'accelevents',
        dedupeKey: key,
        topic: 'registration',
        contentType: 'application/json',
        headers: {},
        body: delivery.body,
        mapped,
        status: 'received',
      },
      { kind: ACCELEVENTS_EVENT_JOB, priority: PRIORITY.welcome },
    );
  }

  /** Webhooks for the first and third of the four attendees, then one reconciliation. */
  async function reconcileAfterTwoWebhooks() {
    const tickets = sandbox.state.tickets(SUMMIT);
    expect(tickets).toHaveLength(4);
    await receiveWebhookFor(tickets[0]!.barcode);
    await receiveWebhookFor(tickets[2]!.barcode);
    return { tickets, first: await reconciler().reconcileOnce() };
  }

  it('enqueues exactly the attendees without an inbox row', async () => {
    const { tickets, first } = await reconcileAfterTwoWebhooks();
    expect(first.checked).toBe(4);
    expect(first.alreadyKnown).toBe(2);
    expect(first.imported.map((a) => a.attendeeId).sort()).toEqual([tickets[1]!.barcode, tickets[3]!.barcode].sort());

    const rows = await getStore().db.selectFrom('inbox').selectAll().where('source', '=', 'reconciliation').execute();
    expect(rows).toHaveLength(2);
    const jobs = await jobsOfKind(getStore().db, ACCELEVENTS_EVENT_JOB);
    const reconciledJobs = jobs.filter((j) => rows.some((r) => r.id === j.payload.inboxId));
    expect(reconciledJobs).toHaveLength(2);
    expect(reconciledJobs.every((j) => j.priority === PRIORITY.automation)).toBe(true);
    const mapped = JSON.parse(rows[0]!.mapped!);
    expect(mapped).toMatchObject({ topic: 'registration', lane: 'automation', dedupeBasis: 'fields' });
    expect(mapped.fields).toMatchObject({ eventUrl: SUMMIT, status: 'BOOKED' });
  });

  it('enqueues nothing on a second run', async () => {
    await reconcileAfterTwoWebhooks();
    const second = await reconciler().reconcileOnce();
    expect(second.imported).toEqual([]);
    expect(second.alreadyKnown).toBe(4);
    expect(await jobsOfKind(getStore().db, ACCELEVENTS_EVENT_JOB)).toHaveLength(4);
  });

  it('runs an attendee whose delivery was skipped while its workflow was off, instead of counting it as known', async () => {
    const tickets = sandbox.state.tickets(SUMMIT);
    await receiveWebhookFor(tickets[0]!.barcode);
    const db = getStore().db;
    const [row] = await db.selectFrom('inbox').select('id').execute();
    await db.updateTable('inbox').set({ status: 'skipped', reason_code: 'workflow_off' }).execute();
    await db.deleteFrom('jobs').execute();

    const report = await reconciler().reconcileOnce();
    expect(report.alreadyKnown).toBe(0);
    expect(report.imported.map((a) => a.inboxId)).toContain(row!.id);
    const again = await db.selectFrom('inbox').selectAll().where('id', '=', row!.id).executeTakeFirstOrThrow();
    expect(again).toMatchObject({ status: 'received', reason_code: null });
    const jobs = await jobsOfKind(db, ACCELEVENTS_EVENT_JOB);
    expect(jobs.filter((j) => j.payload.inboxId === row!.id)).toHaveLength(1);
  });

  it('two reconcilers at once import each attendee once', async () => {
    const [a, b] = await Promise.all([reconciler().reconcileOnce(), reconciler().reconcileOnce()]);
    expect(a.imported.length + b.imported.length).toBe(4);
    expect(await jobsOfKind(getStore().db, ACCELEVENTS_EVENT_JOB)).toHaveLength(4);
  });

  it('a dry run reports what it would import', async () => {
    const report = await reconciler().reconcileOnce({ dryRun: true });
    expect(report.imported).toHaveLength(4);
    expect(report.imported.every((a) => a.jobId === null)).toBe(true);
  });

  it('a dry run stores nothing', async () => {
    await reconciler().reconcileOnce({ dryRun: true });
    expect(await getStore().db.selectFrom('inbox').select('id').execute()).toEqual([]);
    expect(await jobsOfKind(getStore().db, ACCELEVENTS_EVENT_JOB)).toEqual([]);
  });
});
