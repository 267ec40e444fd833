/**
 * The scheduler's rules on a fake clock, where "not yet" can be asserted without timing: lanes,
 * the 429 pause, out-of-order answers, the daily budget and its warning.
 */
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/lib/create-logger.js';
import type { PriorityLane } from '../../src/lib/priority-lanes.js';
import { createRateScheduler, type RateSchedulerOptions } from '../../src/ratelimit/create-rate-scheduler.js';
import { RateLimitError } from '../../src/ratelimit/rate-limit-error.js';
import type { BudgetView } from '../../src/ratelimit/types.js';
import { createFakeClock } from './fake-clock.js';

const START = Date.UTC(2026, 0, 15, 12, 0, 0);
const KEY = { appId: 'app-1', locationId: 'loc-1' };

function setup(overrides: Partial<RateSchedulerOptions> = {}) {
  const clock = createFakeClock(START);
  const scheduler = createRateScheduler({
    mode: 'local',
    now: clock.now,
    sleep: clock.sleep,
    logger: createLogger({ level: 'silent' }),
    ...overrides,
  });
  /** The answer HighLevel gives with its five headers (https://marketplace.gohighlevel.com/docs/other/rate-limits). */
  const answer = (
    status: number,
    rl: { max: number; remaining: number; intervalMs?: number; daily?: [number, number] },
  ) =>
    scheduler.observe({
      ...KEY,
      status,
      rateLimit: {
        max: rl.max,
        remaining: rl.remaining,
        intervalMs: rl.intervalMs ?? 1_000,
        dailyLimit: rl.daily?.[0] ?? 200_000,
        dailyRemaining: rl.daily?.[1] ?? 199_000,
      },
    });
  /** Starts an acquire and records when it is granted. */
  const granted: string[] = [];
  const request = (name: string, lane: PriorityLane = 'automation') =>
    scheduler.acquire({ ...KEY, lane }).then(() => {
      granted.push(name);
    });
  return { clock, scheduler, answer, granted, request };
}

/**
 * Spends the probe and calibrates the bucket to `max` per second with nothing left in the window;
 * every call is answered, so none is still in flight when the next window opens.
 */
async function exhaust(s: ReturnType<typeof setup>, max: number) {
  await s.scheduler.acquire({ ...KEY, lane: 'automation' });
  await s.answer(200, { max, remaining: max - 1 });
  for (let i = 1; i < max; i++) {
    await s.scheduler.acquire({ ...KEY, lane: 'automation' });
    await s.answer(200, { max, remaining: max - 1 - i });
  }
}

describe('rate scheduler on a fake clock', () => {
  it('lends a single probe to a location it has never heard from, then paces to the limits the answer reports', async () => {
    const s = setup({ safety: 0 });
    void s.request('probe');
    void s.request('second');
    await s.clock.settle();
    expect(s.granted).toEqual(['probe']);
    await s.answer(200, { max: 3, remaining: 2 });
    await s.clock.settle();
    expect(s.granted).toEqual(['probe', 'second']);
    void s.request('third');
    void s.request('fourth');
    await s.clock.settle();
    expect(s.granted).toEqual(['probe', 'second', 'third']);
    await s.clock.advance(999);
    expect(s.granted).toHaveLength(3);
    await s.clock.advance(1);
    expect(s.granted).toEqual(['probe', 'second', 'third', 'fourth']);
  });

  it('serves requests in lane order, then in arrival order within a lane', async () => {
    const s = setup({ safety: 0 });
    await exhaust(s, 2);
    const all = [
      s.request('backfill-1', 'backfill'),
      s.request('backfill-2', 'backfill'),
      s.request('automation-1', 'automation'),
      s.request('welcome-1', 'welcome'),
      s.request('agent-1', 'agent'),
      s.request('welcome-2', 'welcome'),
    ];
    await s.clock.settle();
    expect(s.granted).toEqual([]);
    // Each new window lets one request out first and the next after its answer (bucket-state.ts).
    for (let window = 0; window < 3; window++) {
      await s.clock.advance(1_000);
      await s.answer(200, { max: 2, remaining: 1 });
      await s.clock.settle();
      await s.answer(200, { max: 2, remaining: 0 });
    }
    await Promise.all(all);
    expect(s.granted).toEqual(['agent-1', 'welcome-1', 'welcome-2', 'automation-1', 'backfill-1', 'backfill-2']);
  });

  it('keeps `safety` tokens of each window unused for requests in flight', async () => {
    const s = setup({ safety: 2 });
    await s.scheduler.acquire({ ...KEY, lane: 'automation' });
    await s.answer(200, { max: 10, remaining: 9 });
    for (let i = 0; i < 10; i++) void s.request(`r${i}`);
    await s.clock.settle();
    // 1 probe + 7 more = 8 of 10 in this window.
    expect(s.granted).toHaveLength(7);
  });

  it('pauses the location after a 429 until Retry-After has passed, for every waiting request', async () => {
    const s = setup({ safety: 0 });
    await s.scheduler.acquire({ ...KEY, lane: 'automation' });
    await s.answer(200, { max: 5, remaining: 4 });
    await s.scheduler.observe({
      ...KEY,
      status: 429,
      rateLimit: { max: 5, remaining: 0, intervalMs: 1_000, dailyLimit: 200_000, dailyRemaining: 150_000 },
      retryAfterMs: 5_000,
    });
    const [budget] = await s.scheduler.budgets();
    expect(budget?.pausedUntil).toBe(START + 5_000);
    void s.request('a', 'welcome');
    void s.request('b', 'backfill');
    await s.clock.advance(4_999);
    expect(s.granted).toEqual([]);
    await s.clock.advance(1);
    await s.answer(200, { max: 5, remaining: 4 });
    await s.clock.settle();
    expect(s.granted).toEqual(['a', 'b']);
  });

  it("holds the requests after a new window's first until its answer, or a quarter interval without one", async () => {
    const s = setup({ safety: 0 });
    await exhaust(s, 4);
    for (const name of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) void s.request(name);
    await s.clock.advance(1_000);
    expect(s.granted).toEqual(['a']);
    await s.answer(200, { max: 4, remaining: 3 });
    await s.clock.settle();
    expect(s.granted).toEqual(['a', 'b', 'c', 'd']);
    for (const remaining of [2, 1, 0]) await s.answer(200, { max: 4, remaining });
    // No answer for the next window's first request: the rest go out once 250 ms have passed.
    await s.clock.advance(1_000);
    expect(s.granted).toHaveLength(5);
    await s.clock.advance(249);
    expect(s.granted).toHaveLength(5);
    await s.clock.advance(1);
    expect(s.granted).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
  });

  it('moves a window it opened to the time of its first answer, even one reporting fewer left than max - 1', async () => {
    // Requests released at the quarter interval can reach the server before the one that opened our
    // window, so the first answer may report fewer than max - 1 left; the server's window opened no
    // later than that answer, so the next window must not open before it is an interval old.
    const s = setup({ safety: 0 });
    await exhaust(s, 4);
    for (const name of ['a', 'b', 'c', 'd', 'e']) void s.request(name);
    await s.clock.advance(1_000);
    expect(s.granted).toEqual(['a']);
    await s.clock.advance(250);
    expect(s.granted).toEqual(['a', 'b', 'c', 'd']);
    await s.clock.advance(350);
    await s.answer(200, { max: 4, remaining: 1 });
    await s.clock.advance(400);
    expect(s.granted).toHaveLength(4);
    await s.clock.advance(600);
    expect(s.granted).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it("holds back a new window's tokens for calls of the previous window that are still unanswered", async () => {
    // c and d were granted in the last window and have no answer yet: they may reach HighLevel in the
    // new one, which the new window's first answer (3 left of 4) has not counted.
    const s = setup({ safety: 0 });
    await exhaust(s, 4);
    for (const name of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']) void s.request(name);
    await s.clock.advance(1_000);
    await s.answer(200, { max: 4, remaining: 3 });
    await s.clock.settle();
    expect(s.granted).toEqual(['a', 'b', 'c', 'd']);
    await s.answer(200, { max: 4, remaining: 2 });
    await s.clock.advance(1_000);
    expect(s.granted).toHaveLength(5);
    await s.answer(200, { max: 4, remaining: 3 });
    await s.clock.settle();
    expect(s.granted).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });

  it('takes no token in the last stretch of a window as long as the slowest recent answer took', async () => {
    const s = setup({ safety: 0 });
    void s.request('probe');
    await s.clock.advance(200);
    // 200 ms from grant to answer; this window ends 1 000 ms after the answer.
    await s.answer(200, { max: 10, remaining: 9 });
    await s.clock.advance(700);
    void s.request('early');
    await s.clock.settle();
    expect(s.granted).toEqual(['probe', 'early']);
    await s.clock.advance(150);
    void s.request('late');
    await s.clock.settle();
    expect(s.granted).toEqual(['probe', 'early']);
    await s.clock.advance(150);
    expect(s.granted).toEqual(['probe', 'early', 'late']);
  });

  it("sizes the tail guard by each call's own answer time under a steady stream, not by the time since the window's first call", async () => {
    const s = setup({ safety: 0 });
    void s.request('probe');
    await s.clock.advance(10);
    // The window ends 1 000 ms after this answer.
    await s.answer(200, { max: 100, remaining: 99 });
    // Two calls always in flight, each answered 20 ms after its grant, for 800 ms: a call has been in
    // flight since the first of them the whole time, yet no call took more than 20 ms.
    let remaining = 99;
    void s.request('stream-0');
    await s.clock.advance(10);
    for (let i = 1; i <= 80; i++) {
      void s.request(`stream-${i}`);
      await s.clock.advance(10);
      await s.answer(200, { max: 100, remaining: --remaining });
    }
    await s.clock.advance(90);
    // 100 ms before the window's end: more than any call took, so still granted.
    void s.request('late');
    await s.clock.settle();
    expect(s.granted.at(-1)).toBe('late');
  });

  it('waits a second interval before opening a new window when the last one it opened never got an answer', async () => {
    const s = setup({ safety: 0 });
    await exhaust(s, 2);
    for (const name of ['a', 'b', 'c']) void s.request(name);
    await s.clock.advance(1_250);
    expect(s.granted).toEqual(['a', 'b']);
    await s.clock.advance(1_500);
    expect(s.granted).toEqual(['a', 'b']);
    await s.clock.advance(250);
    expect(s.granted).toEqual(['a', 'b', 'c']);
  });

  it('pauses for X-RateLimit-Interval-Milliseconds after a 429 without Retry-After (HighLevel documents none)', async () => {
    const s = setup({ safety: 0 });
    await s.scheduler.acquire({ ...KEY, lane: 'automation' });
    await s.answer(429, { max: 5, remaining: 0, intervalMs: 2_000 });
    void s.request('a');
    await s.clock.advance(1_999);
    expect(s.granted).toEqual([]);
    await s.clock.advance(1);
    expect(s.granted).toEqual(['a']);
  });

  it('only lowers the remaining count within a window: a late answer with more left does not add tokens', async () => {
    const s = setup({ safety: 0 });
    await s.scheduler.acquire({ ...KEY, lane: 'automation' });
    await s.answer(200, { max: 10, remaining: 9 });
    await s.answer(200, { max: 10, remaining: 3 });
    await s.answer(200, { max: 10, remaining: 8 });
    expect((await s.scheduler.budgets())[0]?.remaining).toBe(3);
  });

  /** Spends a daily budget of 10, recording the warnings after the 7th, 8th and 10th call; then an 11th. */
  async function spendDailyBudget() {
    const warnings: BudgetView[] = [];
    const s = setup({ safety: 0, onBudgetWarning: (budget) => warnings.push(budget) });
    await s.scheduler.acquire({ ...KEY, lane: 'automation' });
    await s.answer(200, { max: 100, remaining: 99, daily: [10, 9] });
    for (let used = 2; used <= 7; used++) await s.scheduler.acquire({ ...KEY, lane: 'automation' });
    const afterSeven = [...warnings];
    await s.scheduler.acquire({ ...KEY, lane: 'automation' });
    const afterEight = [...warnings];
    await s.scheduler.acquire({ ...KEY, lane: 'automation' });
    await s.scheduler.acquire({ ...KEY, lane: 'automation' });
    const afterTen = [...warnings];
    const error = await s.scheduler.acquire({ ...KEY, lane: 'welcome' }).catch((e: unknown) => e);
    return { afterSeven, afterEight, afterTen, error };
  }

  it('warns once per day at 80 % of the daily budget', async () => {
    const { afterSeven, afterEight, afterTen } = await spendDailyBudget();
    expect(afterSeven).toHaveLength(0);
    expect(afterEight).toEqual([expect.objectContaining({ ...KEY, dailyLimit: 10, dailyRemaining: 2 })]);
    expect(afterTen).toHaveLength(1);
  });

  it('refuses a spent daily budget with daily_budget_exhausted, naming the next UTC day', async () => {
    const { error } = await spendDailyBudget();
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({
      code: 'daily_budget_exhausted',
      locationId: 'loc-1',
      retryAt: Date.UTC(2026, 0, 16),
    });
  });

  it("with whenDailyBudgetSpent 'wait', waits for the next UTC day once the daily budget is spent", async () => {
    const s = setup({ safety: 0, whenDailyBudgetSpent: 'wait' });
    await s.scheduler.acquire({ ...KEY, lane: 'automation' });
    await s.answer(200, { max: 100, remaining: 99, daily: [2, 1] });
    await s.scheduler.acquire({ ...KEY, lane: 'automation' });
    void s.request('tomorrow');
    await s.clock.advance(Date.UTC(2026, 0, 16) - START - 1);
    expect(s.granted).toEqual([]);
    await s.clock.advance(1);
    expect(s.granted).toEqual(['tomorrow']);
  });

  /** An agent request waiting on a spent window, with a backfill one behind it, whose signal then aborts. */
  async function abortedWaiter() {
    const s = setup({ safety: 0 });
    await exhaust(s, 1);
    const controller = new AbortController();
    const aborted = s.scheduler.acquire({ ...KEY, lane: 'agent', signal: controller.signal }).catch((e: unknown) => e);
    void s.request('next', 'backfill');
    controller.abort(new Error('job stopped'));
    return { s, aborted: await aborted };
  }

  it('gives up waiting when the request signal aborts', async () => {
    const { aborted } = await abortedWaiter();
    expect(aborted).toMatchObject({ message: 'job stopped' });
  });

  it('serves the next waiter after one gave up', async () => {
    const { s } = await abortedWaiter();
    await s.clock.advance(1_000);
    expect(s.granted).toEqual(['next']);
  });

  it('refuses to construct shared mode without a store', () => {
    expect(() => createRateScheduler({ mode: 'shared' })).toThrow(/mode 'shared' needs options\.store/);
  });

  it('refuses to construct an unknown mode', () => {
    expect(() => createRateScheduler({ mode: 'x' as 'local' })).toThrow(/mode must be 'local' or 'shared'/);
  });

  it('refuses an acquire with a bad lane or appId, naming the field', async () => {
    const s = setup();
    await expect(s.scheduler.acquire({ ...KEY, lane: 'urgent' as PriorityLane })).rejects.toThrow(
      /lane must be one of agent, welcome, automation, backfill, got "urgent"/,
    );
    await expect(s.scheduler.acquire({ appId: '', locationId: 'l', lane: 'agent' })).rejects.toThrow(/appId must be/);
  });
});
