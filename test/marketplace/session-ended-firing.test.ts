/**
 * `accelevents_session_ended` on both databases, with no session.ended workflow at all: a HighLevel
 * workflow subscribed to the trigger is enough for the session poller to watch the summit (Accelevents
 * sandbox over real HTTP) and for the session.ended job to plan one firing per attendee of the panel
 * (session 10103, ends at T0+30 min, test/jobs/pollers/pollers-fixture.ts); a replayed job plans none.
 */
import { afterEach, expect, it } from 'vitest';
import type { HighLevelCaller } from '../../src/highlevel/client-types.js';
import { createMarketplacePlanner } from '../../src/jobs/handlers/marketplace-planner.js';
import { createSessionEndedHandler } from '../../src/jobs/pollers/session-ended-handler.js';
import { createSessionPoller } from '../../src/jobs/pollers/session-poller.js';
import { MARKETPLACE_FIRE_JOB } from '../../src/marketplace/plan-firings.js';
import { saveSubscription } from '../../src/marketplace/subscriptions.js';
import type { AcceleventsSandbox } from '../../src/sandbox/accelevents/create-sandbox.js';
import { clientFor, SUMMIT, startSandbox } from '../accelevents/sandbox-fixture.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { fixedClock, MINUTE, queueOn, silentLogger, T0 } from '../jobs/pollers/pollers-fixture.js';

const PANEL = 10103;
/** No workflow runs here, so no HighLevel call may be made. */
const refuse = async (): Promise<never> => {
  throw new Error('no HighLevel call expected');
};
const NO_HIGHLEVEL: HighLevelCaller = { call: refuse, request: refuse };
const LOCATION = 'loc-session-ended';
let accelevents: AcceleventsSandbox | undefined;
afterEach(async () => {
  await accelevents?.close();
  accelevents = undefined;
});

describeEachDatabase('marketplace accelevents_session_ended', (getStore) => {
  it('plans one firing per attendee of an ended session, once, with no session.ended workflow', async () => {
    const { db } = getStore();
    await saveSubscription(
      db,
      {
        triggerId: 'trg-session-ended',
        triggerKey: 'accelevents_session_ended',
        locationId: LOCATION,
        workflowId: 'wf-1',
        companyId: null,
        targetUrl: `https://services.leadconnectorhq.com/workflows-marketplace/triggers/execute/${LOCATION}/trg-session-ended`,
        filters: [],
      },
      T0,
    );
    accelevents = await startSandbox({ attendees: 4, now: () => T0 });
    const [a, b, c] = accelevents.state.tickets(SUMMIT);
    accelevents.state.checkInSession(SUMMIT, a!.barcode, PANEL);
    accelevents.state.checkInSession(SUMMIT, b!.barcode, PANEL);
    accelevents.state.registerForSession(SUMMIT, c!.barcode, PANEL);

    const clock = fixedClock();
    const queue = queueOn(getStore(), clock);
    const client = clientFor(accelevents);
    const marketplace = createMarketplacePlanner({ db, queue, logger: silentLogger, now: clock.now });
    const poller = createSessionPoller({
      queue,
      accelevents: client,
      db,
      events: [SUMMIT],
      workflows: [],
      alsoWanted: () => marketplace.subscribed('accelevents_session_ended'),
      logger: silentLogger,
      now: clock.now,
    });
    await poller.pollOnce();
    clock.set(T0 + 30 * MINUTE);
    await poller.pollOnce();
    const [job] = await queue.claim('w1', { limit: 1, leaseMs: 60_000, kinds: ['session.ended'] });
    if (!job) throw new Error('the panel was not announced');
    const handler = createSessionEndedHandler({
      accelevents: client,
      workflows: [],
      locations: { resolve: () => LOCATION },
      run: { db, highlevel: NO_HIGHLEVEL },
      events: [{ eventUrl: SUMMIT }],
      logger: silentLogger,
      marketplace,
    });
    const context = { signal: new AbortController().signal, workerId: 'w1' };
    await handler(job, context);
    await handler(job, context);

    const firings = await db
      .selectFrom('marketplace_firings')
      .select(['event_key', 'status', 'trigger_key'])
      .where('trigger_id', '=', 'trg-session-ended')
      .execute();
    expect(firings).toHaveLength(2);
    expect(firings.every((f) => f.status === 'queued' && f.trigger_key === 'accelevents_session_ended')).toBe(true);
    const jobs = await db.selectFrom('jobs').select('payload').where('kind', '=', MARKETPLACE_FIRE_JOB).execute();
    expect(jobs).toHaveLength(2);
    const payloads = jobs.map((j) => JSON.parse(j.payload).payload);
    expect(payloads.map((p) => p.session.id)).toEqual([String(PANEL), String(PANEL)]);
    expect(payloads.map((p) => p.event.url)).toEqual([SUMMIT, SUMMIT]);
    expect(payloads.map((p) => p.attendee.email).sort()).toEqual([a!.email, b!.email].sort());
  });
});
