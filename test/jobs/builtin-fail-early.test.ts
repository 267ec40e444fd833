/**
 * Through the whole pipeline (webhook → inbox → job → built-in registration welcome): a registration
 * whose payload names no event cannot save its links, so it fails before its first step: the job is
 * dead-lettered at once, the HighLevel sandbox gets no request at all, and the run is journaled failed
 * naming `links` and `eventKey`, on both databases.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/databases.js';
import { type SandboxHandle, withSandbox } from '../helpers/sandbox.js';
import { drained, post, registrationBody, startPipelineWorld } from './pipeline-world.js';

let handle: SandboxHandle;
beforeAll(async () => {
  handle = await withSandbox({ attendees: 1 });
});
afterAll(async () => {
  await handle.close();
});

describeEachDatabase('a registration with no event', (getStore) => {
  it('is dead-lettered before any HighLevel request, its run failed at links for the empty eventKey', async () => {
    const store = getStore();
    const world = await startPipelineWorld(store, handle, { features: ['registration-welcome'], concurrency: 2 });
    try {
      const payload = JSON.parse(registrationBody(1, `no-event-${store.dialect}`)) as Record<string, unknown>;
      delete payload.eventUrl;
      const requestsBefore = handle.sandbox.stats.requests;
      expect(await post(world.hookUrl, JSON.stringify(payload))).toBe(202);
      await drained(world.pipeline);

      expect(handle.sandbox.stats.requests).toBe(requestsBefore);
      expect((await world.pipeline.queue.counts()).dead).toBe(1);
      const runs = await store.db.selectFrom('workflow_runs').select(['id', 'workflow', 'status', 'error']).execute();
      expect(runs).toEqual([
        expect.objectContaining({
          workflow: 'registration-welcome',
          status: 'failed',
          error: expect.stringContaining("step links: input eventKey rendered empty; expected the event's URL or id"),
        }),
      ]);
      const steps = await store.db.selectFrom('run_steps').select('step').where('run_id', '=', runs[0]!.id).execute();
      expect(steps).toEqual([]);
    } finally {
      await world.close();
    }
  });
});
