/**
 * Proactive pacing through the real client against the real sandbox (its burst windows open with
 * the first request after the previous one closed, src/sandbox/highlevel/rate-limiter.ts). Windows
 * are short (250 ms) to keep the file fast; nothing here asserts on durations.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/lib/create-logger.js';
import { createRateScheduler } from '../../src/ratelimit/create-rate-scheduler.js';
import type { BudgetView } from '../../src/ratelimit/types.js';
import { type SandboxHandle, withSandbox } from '../helpers/sandbox.js';
import { pacedClient, search, windowsOpened } from './paced-client.js';

const BURST = 20;
const INTERVAL_MS = 250;
const TWO_LOCATION_INTERVAL_MS = 1_000;
let handle: SandboxHandle | undefined;

afterEach(async () => {
  await handle?.close();
  handle = undefined;
});

function localScheduler() {
  return createRateScheduler({ mode: 'local', logger: createLogger({ level: 'silent' }) });
}

describe('rate scheduler against the sandbox', () => {
  it('finishes a burst of 200 calls for one location with zero 429s, using each window up to the safety reserve', async () => {
    handle = await withSandbox({ burstLimit: BURST, burstIntervalMs: INTERVAL_MS });
    const paced = pacedClient(handle, localScheduler());
    const location = handle.sandbox.defaultLocationId;

    await Promise.all(Array.from({ length: 200 }, () => search(paced, location)));

    // The sandbox answers 429 to any request beyond the limit of its window, so zero 429s is
    // "never more than 20 calls in a window", counted by the server itself.
    expect(handle.sandbox.stats.rateLimited).toBe(0);
    expect(paced.attempts.filter((a) => a.status === 200)).toHaveLength(200);
    // 19 of 20 per window (safety 1) fills a window: the fullest window reached remaining 0 or 1.
    // (How many windows the burst takes depends on machine load, so it is the bench's figure.)
    const windows = windowsOpened(paced.attempts);
    expect(windows).toBeGreaterThanOrEqual(Math.ceil(200 / BURST));
    expect(Math.min(...paced.attempts.map((a) => a.rateLimit?.remaining ?? BURST))).toBeLessThanOrEqual(1);
  });

  it('paces two locations independently: each gets its own full windows', async () => {
    // A longer window than the single-location test's: this one is about two buckets not sharing, and a
    // 250 ms window on a slowed 2-core machine tests how the scheduler copes with jitter instead, which
    // is a separate matter with its own tests to come.
    handle = await withSandbox({ burstLimit: BURST, burstIntervalMs: TWO_LOCATION_INTERVAL_MS });
    const second = handle.sandbox.addLocation({ attendees: 1 }).location.id;
    const first = handle.sandbox.defaultLocationId;
    const paced = pacedClient(handle, localScheduler());

    await Promise.all(Array.from({ length: 120 }, (_, i) => search(paced, i % 2 === 0 ? first : second)));

    expect(handle.sandbox.stats.rateLimited).toBe(0);
    // Each location fills its own window (19 of 20): one bucket shared by both locations would give
    // each at most about half a window, so neither would get below ~10 remaining.
    for (const location of [first, second]) {
      const remaining = paced.attempts
        .filter((a) => a.locationId === location)
        .map((a) => a.rateLimit?.remaining ?? BURST);
      expect(Math.min(...remaining), location).toBeLessThanOrEqual(1);
    }
  });

  // Jitter: the sandbox delays every call by a random 0..JITTER_MS before counting it, so calls reach
  // its windows late and out of order, as over a real network (docs/highlevel-api.md, "Pacing under
  // jitter"). The jitter is close to the window, the hard case; the invariant is the server's own count.
  const JITTER_MS = 200;

  it('keeps zero 429s for one location when every call is delayed by a random 0-200 ms', async () => {
    handle = await withSandbox({
      burstLimit: BURST,
      burstIntervalMs: INTERVAL_MS,
      faults: { latencyJitterMs: JITTER_MS },
    });
    const paced = pacedClient(handle, localScheduler());
    const location = handle.sandbox.defaultLocationId;

    await Promise.all(Array.from({ length: 150 }, () => search(paced, location)));

    expect(handle.sandbox.stats.rateLimited).toBe(0);
    expect(paced.attempts.filter((a) => a.status === 200)).toHaveLength(150);
  });

  it('keeps zero 429s for two locations when every call is delayed by a random 0-200 ms', async () => {
    handle = await withSandbox({
      burstLimit: BURST,
      burstIntervalMs: INTERVAL_MS,
      faults: { latencyJitterMs: JITTER_MS },
    });
    const second = handle.sandbox.addLocation({ attendees: 1 }).location.id;
    const first = handle.sandbox.defaultLocationId;
    const paced = pacedClient(handle, localScheduler());

    await Promise.all(Array.from({ length: 120 }, (_, i) => search(paced, i % 2 === 0 ? first : second)));

    expect(handle.sandbox.stats.rateLimited).toBe(0);
    expect(paced.attempts.filter((a) => a.status === 200)).toHaveLength(120);
  });

  /** Another client spends a 3-call window; then six paced calls, one of which meets the 429. */
  async function callsAfterAnotherClientsBurst() {
    handle = await withSandbox({ burstLimit: 3, burstIntervalMs: 1_000 });
    const location = handle.sandbox.defaultLocationId;
    const scheduler = localScheduler();
    const pausesSeen: (number | null)[] = [];
    const paced = pacedClient(handle, scheduler, {
      afterAttempt: async (info) => {
        if (info.status === 429) pausesSeen.push((await scheduler.budgets())[0]?.pausedUntil ?? null);
      },
    });
    const other = pacedClient(handle, null);
    await Promise.all([1, 2, 3].map(() => search(other, location)));

    const first = search(paced, location);
    await vi.waitFor(() => expect(pausesSeen).toHaveLength(1));
    const later = Array.from({ length: 5 }, () => search(paced, location));
    await Promise.all([first, ...later]);
    return { sandbox: handle.sandbox, paced, pausesSeen };
  }

  it('pauses a location after a 429 caused by another client', async () => {
    const { paced, pausesSeen } = await callsAfterAnotherClientsBurst();
    const rateLimitedAt = paced.attempts.find((a) => a.status === 429);
    expect(pausesSeen[0]).not.toBeNull();
    expect(rateLimitedAt?.rateLimit?.max).toBe(3);
  });

  it('resumes every paused call after the interval without a second 429', async () => {
    const { sandbox, paced } = await callsAfterAnotherClientsBurst();
    expect(sandbox.stats.rateLimited).toBe(1);
    expect(paced.attempts.filter((a) => a.status === 200)).toHaveLength(6);
  });

  /** Ten calls against a daily limit of 10, then an eleventh; the warnings seen along the way and its refusal. */
  async function spendDailyBudget() {
    handle = await withSandbox({ dailyLimit: 10 });
    const warnings: BudgetView[] = [];
    const scheduler = createRateScheduler({
      mode: 'local',
      logger: createLogger({ level: 'silent' }),
      onBudgetWarning: (budget) => warnings.push(budget),
    });
    const paced = pacedClient(handle, scheduler);
    const location = handle.sandbox.defaultLocationId;

    for (let call = 1; call <= 7; call++) await search(paced, location);
    const afterSeven = [...warnings];
    await search(paced, location);
    const afterEight = [...warnings];
    await search(paced, location);
    await search(paced, location);
    const requestsSoFar = handle.sandbox.stats.requests;
    const refused = await search(paced, location).then(
      () => null,
      (e: unknown) => e,
    );
    return { sandbox: handle.sandbox, location, warnings, afterSeven, afterEight, requestsSoFar, refused };
  }

  it('warns once at 80 % of the daily budget the headers report', async () => {
    const { location, warnings, afterSeven, afterEight } = await spendDailyBudget();
    expect(afterSeven).toHaveLength(0);
    expect(afterEight).toEqual([expect.objectContaining({ locationId: location, dailyLimit: 10, dailyRemaining: 2 })]);
    expect(warnings).toHaveLength(1);
  });

  it('refuses the call after the last one of the daily budget before it reaches HighLevel', async () => {
    const { sandbox, requestsSoFar, refused } = await spendDailyBudget();
    expect(refused).toMatchObject({ code: 'daily_budget_exhausted' });
    expect(sandbox.stats.requests).toBe(requestsSoFar);
    expect(sandbox.stats.rateLimited).toBe(0);
  });

  it('passes the call lane to the scheduler hooks: welcome when given, automation by default', async () => {
    handle = await withSandbox();
    const lanes: string[] = [];
    const paced = pacedClient(handle, localScheduler(), {
      beforeAttempt: async (info) => void lanes.push(info.lane),
    });
    const locationId = handle.sandbox.defaultLocationId;
    await paced.client.conversations.searchConversations({ locationId }, { lane: 'welcome' });
    await paced.client.call('search-conversation', { query: { locationId } });
    await paced.client.call('search-conversation', { query: { locationId }, lane: 'backfill' });
    expect(lanes).toEqual(['welcome', 'automation', 'backfill']);
  });
});
