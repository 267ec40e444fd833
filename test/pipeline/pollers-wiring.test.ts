/**
 * The pollers as `parley start` runs them: composePipeline with an Accelevents client schedules the
 * session and reconciliation polls on start; reconciliation welcomes the event's attendees no webhook
 * announced, and the session poller's ended sessions reach the session-highlights workflow.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createAcceleventsClient } from '../../src/accelevents/client.js';
import { composePipeline } from '../../src/pipeline/compose-pipeline.js';
import { loadEnabledWorkflows } from '../../src/pipeline/enabled-workflows.js';
import { createLocationResolver } from '../../src/pipeline/location-resolver.js';
import { type AcceleventsSandbox, startAcceleventsSandbox } from '../../src/sandbox/accelevents/create-sandbox.js';
import { SAMPLE_EVENT_URL } from '../../src/sandbox/accelevents/sample-events.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { type SandboxHandle, withSandbox } from '../helpers/sandbox.js';
import { silent } from './pipeline-world.js';

let highlevel: SandboxHandle;
let accelevents: AcceleventsSandbox;
beforeAll(async () => {
  highlevel = await withSandbox({ attendees: 1, burstLimit: 1_000, burstIntervalMs: 1_000, dailyLimit: 10_000_000 });
  accelevents = await startAcceleventsSandbox({ port: 0, logger: silent, attendees: 6 });
});
afterAll(async () => {
  await highlevel.close();
  await accelevents.close();
});

describeEachDatabase('pollers wired into the pipeline', (getStore) => {
  it('schedules both polls on start; reconciliation welcomes unannounced attendees and ended sessions send highlights', async () => {
    const store = getStore();
    const { location } = highlevel.sandbox.addLocation({ attendees: 1 });
    const { accessToken } = highlevel.sandbox.issueToken({ locationId: location.id });
    const workflows = await loadEnabledWorkflows({ features: ['registration-welcome', 'session-highlights'] });
    const pipeline = composePipeline({
      store,
      auth: { getAccessToken: async () => accessToken },
      baseUrl: highlevel.url,
      appId: 'sandbox',
      workflows,
      locations: createLocationResolver({ defaultLocationId: location.id }),
      logger: silent,
      pollMs: 25,
      accelevents: {
        client: createAcceleventsClient({
          baseUrl: accelevents.url,
          apiKey: accelevents.apiKey,
          readAuth: 'authorization',
          writeAuth: 'key',
        }),
        sessionEvents: [SAMPLE_EVENT_URL],
        reconcileEvents: [SAMPLE_EVENT_URL],
      },
    });
    pipeline.start();
    try {
      const attendees = accelevents.state.tickets(SAMPLE_EVENT_URL).length;
      expect(attendees).toBeGreaterThan(0);
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
        if (links === attendees && highlights > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(links).toBe(attendees);
      expect(highlights).toBeGreaterThan(0);
      const kinds = await store.db.selectFrom('jobs').select('kind').distinct().execute();
      expect(kinds.map((k) => k.kind)).toEqual(
        expect.arrayContaining(['poll.sessions', 'poll.reconcile', 'session.ended', 'accelevents.event']),
      );
      expect((await pipeline.queue.counts()).dead).toBe(0);
    } finally {
      await pipeline.stop({ graceMs: 1_000 });
    }
  });
});
