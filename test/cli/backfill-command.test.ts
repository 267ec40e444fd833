/**
 * Backfill through the reconciliation path against the Accelevents sandbox on both databases, and its
 * ETA arithmetic from a given rate budget.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runBackfill } from '../../src/cli/commands/backfill.js';
import { estimateBackfill, pickBudget, progressLine } from '../../src/jobs/pollers/backfill-progress.js';
import { createReconciler } from '../../src/jobs/pollers/reconciler.js';
import { PRIORITY } from '../../src/lib/priority-lanes.js';
import type { AcceleventsSandbox } from '../../src/sandbox/accelevents/create-sandbox.js';
import { clientFor, SUMMIT, startSandbox } from '../accelevents/sandbox-fixture.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { clearPipelineTables, fixedClock, jobsOfKind, queueOn, silentLogger } from '../jobs/pollers/pollers-fixture.js';

describe('backfill ETA', () => {
  it('500 welcome flows at 100 calls per 10 s need 2,500 calls in 25 windows: 250 s', () => {
    expect(estimateBackfill(500, { max: 100, intervalMs: 10_000 })).toEqual({
      calls: 2500,
      ms: 250_000,
      spillsIntoNextDay: false,
    });
  });

  it('rounds a part window up', () => {
    expect(estimateBackfill(3, { max: 10, intervalMs: 1_000 }).ms).toBe(2_000);
  });

  it('waits for the next day when the daily budget is short', () => {
    const spill = estimateBackfill(100, { max: 100, intervalMs: 10_000, dailyRemaining: 300 });
    expect(spill.spillsIntoNextDay).toBe(true);
    expect(spill.ms).toBe(86_400_000 + 2 * 10_000);
  });

  it('paces by the slowest known location, else HighLevel’s default 100 per 10 s', () => {
    expect(pickBudget([])).toEqual({ max: 100, intervalMs: 10_000, dailyRemaining: 200_000 });
    const view = { appId: 'a', locationId: 'l', remaining: 0, dailyLimit: 1000, pausedUntil: null };
    expect(
      pickBudget([
        { ...view, max: 100, intervalMs: 10_000, dailyRemaining: 900 },
        { ...view, max: 50, intervalMs: 10_000, dailyRemaining: 800 },
      ]),
    ).toEqual({ max: 50, intervalMs: 10_000, dailyRemaining: 800 });
  });

  it('draws a one-line bar that returns to the line start', () => {
    expect(progressLine({ done: 1, total: 4, label: 'imported 1', etaMs: 61_000 }, 8)).toBe(
      '\r[##......] 1/4 imported 1  ETA 1m 01s',
    );
  });
});

let sandbox: AcceleventsSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ attendees: 3 });
});
afterAll(async () => {
  await sandbox.close();
});

describeEachDatabase('parley backfill', (getStore) => {
  const clock = fixedClock();
  beforeEach(async () => {
    await clearPipelineTables(getStore().db);
  });

  function deps() {
    const store = getStore();
    const out: string[] = [];
    const err: string[] = [];
    const reconciler = createReconciler({
      db: store.db,
      queue: queueOn(store, clock),
      accelevents: clientFor(sandbox),
      events: [],
      logger: silentLogger,
      now: clock.now,
    });
    return {
      out,
      err,
      deps: {
        reconciler,
        budgets: async () => [],
        write: (t: string) => out.push(t),
        progress: (t: string) => err.push(t),
      },
    };
  }

  it('a dry run prints who would be imported, with an ETA', async () => {
    const { out, err, deps: d } = deps();
    await runBackfill({ event: SUMMIT, dryRun: true }, d);
    const text = out.join('');
    for (const t of sandbox.state.tickets(SUMMIT)) expect(text).toContain(`would import ${t.barcode} <${t.email}>`);
    expect(text).toContain('Dry run: would import 3 of 3 attendees');
    expect(text).toContain('about 15 HighLevel calls: ETA 10s at 100 calls per 10s');
    expect(err.at(-2)).toMatch(/^\r\[#+\] 3\/3 to import 0/);
  });

  it('a dry run stores nothing', async () => {
    await runBackfill({ event: SUMMIT, dryRun: true }, deps().deps);
    expect(await jobsOfKind(getStore().db, 'accelevents.event')).toEqual([]);
  });

  it('a real run enqueues every attendee in the backfill lane', async () => {
    const { out, err, deps: d } = deps();
    await runBackfill({ event: SUMMIT }, d);
    const jobs = await jobsOfKind(getStore().db, 'accelevents.event');
    expect(jobs).toHaveLength(3);
    expect(jobs.every((j) => j.priority === PRIORITY.backfill)).toBe(true);
    expect(out.join('')).toContain('Imported 3 of 3 attendees');
    expect(err.at(-2)).toContain('3/3 imported 3');
  });

  it('a second real run enqueues nothing more', async () => {
    await runBackfill({ event: SUMMIT }, deps().deps);
    const again = deps();
    await runBackfill({ event: SUMMIT }, again.deps);
    expect(again.out.join('')).toContain('Imported 0 of 3 attendees of parley-spring-summit (3 already received)');
    expect(await jobsOfKind(getStore().db, 'accelevents.event')).toHaveLength(3);
  });
});
