/**
 * Backfill's arithmetic and its one-line progress bar. The ETA comes from the HighLevel rate budget
 * (https://marketplace.gohighlevel.com/docs/other/rate-limits: 100 requests per 10 s per app and
 * location, 200,000 a day): the welcome flow costs about 5 calls (upsert contact, find-or-create and
 * get the conversation, send, and one spare for a retry or a guard lookup), and backfill runs in the
 * lowest lane, so this is the best case when nothing else is using the budget.
 */
import type { BudgetView } from '../../ratelimit/types.js';

export const CALLS_PER_WELCOME_FLOW = 5;
export const DEFAULT_BUDGET = { max: 100, intervalMs: 10_000, dailyRemaining: 200_000 } as const;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface BackfillEstimate {
  calls: number;
  /** Best-case time for the flows, in ms. */
  ms: number;
  /** True when the calls exceed what is left of today's budget, so the rest waits for the next day. */
  spillsIntoNextDay: boolean;
}

/** The slowest location's pace is the one that bounds the backfill; with no bucket yet, HighLevel's defaults. */
export function pickBudget(budgets: readonly BudgetView[]): {
  max: number;
  intervalMs: number;
  dailyRemaining: number;
} {
  if (budgets.length === 0) return { ...DEFAULT_BUDGET };
  const slowest = [...budgets].sort((a, b) => a.max / a.intervalMs - b.max / b.intervalMs)[0]!;
  return { max: slowest.max, intervalMs: slowest.intervalMs, dailyRemaining: slowest.dailyRemaining };
}

export function estimateBackfill(
  flows: number,
  budget: { max: number; intervalMs: number; dailyRemaining?: number },
  callsPerFlow = CALLS_PER_WELCOME_FLOW,
): BackfillEstimate {
  if (!Number.isInteger(flows) || flows < 0) throw new RangeError(`flows must be a whole number ≥ 0; got ${flows}`);
  if (!(budget.max > 0) || !(budget.intervalMs > 0)) {
    throw new RangeError(`budget.max and budget.intervalMs must be > 0; got ${budget.max}, ${budget.intervalMs}`);
  }
  const calls = flows * callsPerFlow;
  const dailyRemaining = budget.dailyRemaining ?? Number.POSITIVE_INFINITY;
  const today = Math.min(calls, dailyRemaining);
  // Full windows for today's share; whatever is left waits for the daily reset (at most a day away).
  let ms = Math.ceil(today / budget.max) * budget.intervalMs;
  const spillsIntoNextDay = calls > dailyRemaining;
  if (spillsIntoNextDay) ms = Math.max(ms, DAY_MS) + Math.ceil((calls - today) / budget.max) * budget.intervalMs;
  return { calls, ms, spillsIntoNextDay };
}

export function formatDuration(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m ${String(s).padStart(2, '0')}s`;
  return `${s}s`;
}

/** `\r[#######.............] 35/100 imported 12  ETA 1m 00s`: one line, redrawn in place. */
export function progressLine(input: { done: number; total: number; label: string; etaMs: number }, width = 24): string {
  const ratio = input.total === 0 ? 1 : Math.min(1, input.done / input.total);
  const filled = Math.round(ratio * width);
  const bar = `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`;
  return `\r[${bar}] ${input.done}/${input.total} ${input.label}  ETA ${formatDuration(input.etaMs)}`;
}
