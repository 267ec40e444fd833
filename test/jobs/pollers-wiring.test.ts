/**
 * The pollers as `parley start` runs them: composeJobs with an Accelevents client schedules the
 * session and reconciliation polls on start; reconciliation welcomes the event's attendees no webhook
 * announced, and a session that ends after the start reaches the session-highlights workflow for each
 * of its attendees (the sample sessions that ended before the start are not followed up).
 */
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { createAcceleventsClient } from '../../src/accelevents/client.js';
import { composeJobs } from '../../src/app/compose-jobs.js';
import { loadEnabledWorkflows } from '../../src/features/enabled-workflows.js';
import { createLocationResolver } from '../../src/jobs/location-resolver.js';
import { readWatermark } from '../../src/jobs/pollers/session-watermark.js';
import { type AcceleventsSandbox, startAcceleventsSandbox } from '../../src/sandbox/accelevents/create-sandbox.js';
import { SAMPLE_EVENT_URL } from '../../src/sandbox/accelevents/sample-events.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { type SandboxHandle, withSandbox } from '../helpers/sandbox.js';
import { silent } from './pipeline-world.js';

let highlevel: SandboxHandle;
let accelevents: AcceleventsSandbox;
beforeAll(async () => {
  highlevel = await withSandbox({ attendees: 1, burstLimit: 1_000, burstIntervalMs: 1_000, dailyLimit: 10_000_000 });
});
afterAll(async () => {
  await highlevel.close();
});
// One per database's tests: a session added by one database's run must not end during the other's.
beforeEach(async () => {
  accelevents = await startAcceleventsSandbox({ port: 0, logger: silent, attendees: 6 });
});
afterEach(async () => {
  await accelevents.close();
});

describeEachDatabase('pollers wired into the pipeline', (getStore) => {
  /** Runs the pipeline with both polls until its work is seen, and returns what it left behind. */
  async function runWithPolls() {
    const store = getStore();
    // parley's clock runs ahead of the real one by `ahead` ms, so the test can move it to just before a
    // minute boundary: Accelevents gives session end times to the minute.
    let ahead = 0;
    const now = () => Date.now() + ahead;
    const { location } = highlevel.sandbox.addLocation({ attendees: 1 });
    const { accessToken } = highlevel.sandbox.issueToken({ locationId: location.id });
    const workflows = await loadEnabledWorkflows({ features: ['registration-welcome', 'session-highlights'] });
    const pipeline = composeJobs({
      store,
      auth: { getAccessToken: async () => accessToken },
      baseUrl: highlevel.url,
      appId: 'sandbox',
      workflows,
      locations: createLocationResolver({ defaultLocationId: location.id }),
      logger: silent,
      pollMs: 25,
      now,
      accelevents: {
        client: createAcceleventsClient({
          baseUrl: accelevents.url,
          apiKey: accelevents.apiKey,
          readAuth: 'authorization',
          writeAuth: 'key',
        }),
        sessionEvents: [SAMPLE_EVENT_URL],
        reconcileEvents: [SAMPLE_EVENT_URL],
        schedule: { sessionsIntervalMs: 500 },
      },
    });
    pipeline.start();
    try {
      // Once the first session poll has started the event's follow-ups, a session ends at the minute
      // after next, and parley's clock moves to a second before it.
      let mark = await readWatermark(store.db, SAMPLE_EVENT_URL);
      while (mark === null) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        mark = await readWatermark(store.db, SAMPLE_EVENT_URL);
      }
      const endsAt = (Math.floor(mark.through / 60_000) + 2) * 60_000;
      const session = accelevents.state.addSession(SAMPLE_EVENT_URL, {
        title: `Lightning talks ${store.dialect}`,
        startsAt: endsAt - 30 * 60_000,
        endsAt,
      });
      const [first, second] = accelevents.state.tickets(SAMPLE_EVENT_URL);
      accelevents.state.checkInSession(SAMPLE_EVENT_URL, first!.barcode, session.sessionId);
      accelevents.state.checkInSession(SAMPLE_EVENT_URL, second!.barcode, session.sessionId);
      ahead = endsAt - 1_000 - Date.now();
      const attendees = accelevents.state.tickets(SAMPLE_EVENT_URL).length;
      const deadline = Date.now() + 45_000;
      let links = 0;
      let highlights = 0;
      while (Date.now() < deadline) {
        links = Number(
          (
            await store.db
              .selectFrom('attendee_links')
              .select((eb) => eb.fn.countAll().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
        highlights = Number(
          (
            await store.db
              .selectFrom('workflow_runs')
              .select((eb) => eb.fn.countAll().as('n'))
              .where('workflow', '=', 'session-highlights')
              .where('status', '=', 'completed')
              .executeTakeFirstOrThrow()
          ).n,
        );
        if (links === attendees && highlights >= 2) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const announced = await store.db
        .selectFrom('jobs')
        .select('dedupe_key')
        .where('kind', '=', 'session.ended')
        .execute();
      const kinds = await store.db.selectFrom('jobs').select('kind').distinct().execute();
      const dead = (await pipeline.queue.counts()).dead;
      return { attendees, links, highlights, announced, kinds, dead, sessionId: session.sessionId };
    } finally {
      await pipeline.stop({ graceMs: 1_000 });
    }
  }

  /** The one run every test below reads; whichever test runs first waits for it. */
  let running: ReturnType<typeof runWithPolls> | undefined;
  const ran = () => {
    running ??= runWithPolls();
    return running;
  };

  it('schedules both polls on start', async () => {
    const { kinds, dead } = await ran();
    expect(kinds.map((k) => k.kind)).toEqual(
      expect.arrayContaining(['poll.sessions', 'poll.reconcile', 'session.ended', 'accelevents.event']),
    );
    expect(dead).toBe(0);
  });

  it('welcomes, by reconciliation, the attendees no webhook announced', async () => {
    const { attendees, links } = await ran();
    expect(attendees).toBeGreaterThan(0);
    expect(links).toBe(attendees);
  });

  it('sends highlights to the attendees of a session that ends after the start', async () => {
    const { highlights, announced, sessionId } = await ran();
    expect(highlights).toBe(2);
    expect(announced.map((j) => j.dedupe_key)).toEqual([`session-ended:${SAMPLE_EVENT_URL}:${sessionId}`]);
  });
});
