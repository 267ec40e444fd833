/**
 * Index maintenance as `parley start` runs it: composeJobs with `indexMaintenance` schedules the
 * sync chain on start, and the worker mirrors the location's sandbox conversations into the index,
 * marking the sponsor staff's conversation as sponsor-channel, with nobody calling syncLocation.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { composeJobs } from '../../src/app/compose-jobs.js';
import { lastSyncStart } from '../../src/jobs/index-maintenance.js';
import { createLocationResolver } from '../../src/jobs/location-resolver.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { type SandboxHandle, withSandbox } from '../helpers/sandbox.js';
import { silent } from './pipeline-world.js';

const ATTENDEES = 8;
let highlevel: SandboxHandle;
beforeAll(async () => {
  highlevel = await withSandbox({ attendees: 1, burstLimit: 1_000, burstIntervalMs: 1_000, dailyLimit: 10_000_000 });
});
afterAll(async () => {
  await highlevel.close();
});

describeEachDatabase('index maintenance wired into the pipeline', (getStore) => {
  it('mirrors each configured location on start without anyone asking', async () => {
    const store = getStore();
    const { location } = highlevel.sandbox.addLocation({ attendees: ATTENDEES });
    const { accessToken } = highlevel.sandbox.issueToken({ locationId: location.id });
    const state = highlevel.sandbox.domain!.state;
    const staff = [...state.conversations.inLocation(location.id)][2]!;
    const pipeline = composeJobs({
      store,
      auth: { getAccessToken: async () => accessToken },
      baseUrl: highlevel.url,
      appId: 'sandbox',
      workflows: [],
      locations: createLocationResolver({ defaultLocationId: location.id }),
      logger: silent,
      pollMs: 25,
      indexMaintenance: {
        locations: async () => [location.id],
        syncMinutes: 15,
        retention: { bodiesDays: null, transcriptsDays: null },
        sponsorContactIds: [staff.contactId],
      },
    });
    pipeline.start();
    try {
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline && (await lastSyncStart(store.db, location.id)) === null) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const rows = await store.db
        .selectFrom('index_conversations')
        .select(['conversation_id', 'sponsor'])
        .where('location_id', '=', location.id)
        .execute();
      expect(rows).toHaveLength(ATTENDEES);
      expect(rows.filter((r) => Number(r.sponsor) === 1).map((r) => r.conversation_id)).toEqual([staff.id]);
      const pending = await store.db
        .selectFrom('jobs')
        .select('kind')
        .where('status', '=', 'pending')
        .where('kind', '=', 'index.sync')
        .execute();
      expect(pending).toHaveLength(1); // the chain's next slot
    } finally {
      await pipeline.stop({ graceMs: 1_000 });
    }
  });
});
