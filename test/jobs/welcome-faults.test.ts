/**
 * The welcome flow under HighLevel faults (10 % 5xx, timeouts and 429 bursts, and still every job
 * completes): 5xx, unanswered requests and connection resets switched on in the sandbox,
 * and for the first part of the run a tiny burst limit that answers 429s. A timeout on a send is
 * ambiguous, so the retry goes through the send guard: still exactly one welcome per attendee.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/databases.js';
import { type SandboxHandle, withSandbox } from '../helpers/sandbox.js';
import { drained, postAll, registrationBody, startPipelineWorld } from './pipeline-world.js';

let handle: SandboxHandle;
beforeAll(async () => {
  handle = await withSandbox({ attendees: 1, burstLimit: 1_000, burstIntervalMs: 1_000, dailyLimit: 10_000_000 });
});
afterAll(async () => {
  // Requests the timeout fault never answered keep their sockets open; close would wait for them.
  handle.sandbox.app.server.closeAllConnections();
  await handle.close();
});

async function until(what: string, condition: () => Promise<boolean>, boundMs = 30_000): Promise<void> {
  const deadline = Date.now() + boundMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describeEachDatabase('welcome flow under faults', (getStore) => {
  it('welcomes every attendee exactly once under injected HTTP faults, a 429 burst included', async () => {
    const store = getStore();
    const world = await startPipelineWorld(store, handle, { concurrency: 8 });
    const state = handle.sandbox.domain!.state;
    const seeded = state.conversations.countIn(world.locationId);
    const before = { ...handle.sandbox.stats.faultsInjected };
    const limitedBefore = handle.sandbox.stats.rateLimited;
    try {
      handle.sandbox.setRateLimits({ burstLimit: 4, burstIntervalMs: 500 });
      handle.sandbox.setFaults({ errorRate: 0.1, timeoutRate: 0.02, resetRate: 0.02 });
      const bodies = Array.from({ length: 50 }, (_, n) => registrationBody(n, `faults-${store.dialect}`));
      const statuses = await postAll(world.hookUrl, bodies, 8);
      expect(statuses.every((s) => s === 202)).toBe(true);
      // The 429 burst: another client of the same location spends the tiny window while parley's jobs
      // run, until the sandbox has answered 429s; then the normal limit returns.
      const token = handle.sandbox.issueToken({ locationId: world.locationId }).accessToken;
      await until('429s during the burst', async () => {
        await fetch(`${handle.url}/conversations/search?locationId=${world.locationId}&limit=1`, {
          headers: { authorization: `Bearer ${token}`, version: '2021-04-15' },
          // The sandbox's faults hit this client too: an unanswered request must not stall the loop.
          signal: AbortSignal.timeout(500),
        })
          .then((res) => res.arrayBuffer())
          .catch(() => undefined);
        return handle.sandbox.stats.rateLimited >= limitedBefore + 5;
      });
      handle.sandbox.setRateLimits({ burstLimit: 1_000, burstIntervalMs: 1_000 });
      await drained(world.pipeline, 90_000);
      handle.sandbox.setFaults({ errorRate: 0, timeoutRate: 0, resetRate: 0 });

      const injected = handle.sandbox.stats.faultsInjected;
      expect(injected.error).toBeGreaterThan(before.error);
      expect(await world.pipeline.queue.counts()).toMatchObject({ dead: 0, pending: 0, running: 0 });
      expect(state.conversations.countIn(world.locationId) - seeded).toBe(50);
      const welcomes = state.messages
        .inLocation(world.locationId)
        .filter((m) => m.direction === 'outbound' && m.body.includes('thanks for registering for'));
      expect(welcomes).toHaveLength(50);
      expect(new Set(welcomes.map((m) => m.contactId)).size).toBe(50);
      const links = await store.db.selectFrom('attendee_links').selectAll().execute();
      expect(links.filter((l) => l.welcome_message_id !== null)).toHaveLength(50);
    } finally {
      handle.sandbox.setFaults({ errorRate: 0, timeoutRate: 0, resetRate: 0 });
      handle.sandbox.setRateLimits({ burstLimit: 1_000, burstIntervalMs: 1_000 });
      await world.close();
    }
  }, 120_000);
});
