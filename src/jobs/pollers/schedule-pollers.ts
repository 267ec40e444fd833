/**
 * Recurring polls as queue jobs, so they survive restarts and run once however many processes there
 * are: each run is a `poll.sessions` / `poll.reconcile` job keyed by its time slot
 * (`<kind>:<floor(now / interval)>`). `schedulePollers` enqueues the current slot at start; each
 * handler first enqueues the next slot, then polls, so a failed poll never breaks the chain, and two
 * chains (two processes, or a restart) merge on the next slot's key.
 */
import type { Logger } from '../../lib/create-logger.js';
import { PRIORITY } from '../../lib/priority-lanes.js';
import type { EnqueueInput, JobHandler, Queue } from '../../queue/types.js';
import { PollerError, requireDeps } from './poller-error.js';
import type { Reconciler } from './reconciler.js';
import type { SessionPoller } from './session-poller.js';

export const POLL_SESSIONS_JOB = 'poll.sessions';
export const POLL_RECONCILE_JOB = 'poll.reconcile';
export type PollJobKind = typeof POLL_SESSIONS_JOB | typeof POLL_RECONCILE_JOB;

export interface PollerSchedule {
  /** How often session end times are read; 0 switches the poll off. Default 60 s (a minute late is fine for highlights). */
  sessionsIntervalMs?: number;
  /** How often attendees are reconciled; 0 switches it off. Default 15 min (a full attendee walk is many pages). */
  reconcileIntervalMs?: number;
}

export const DEFAULT_SCHEDULE = { sessionsIntervalMs: 60_000, reconcileIntervalMs: 15 * 60_000 } as const;
/** A missed slot is covered by the next one, so a poll job needs few attempts. */
const POLL_MAX_ATTEMPTS = 3;

function intervals(config: PollerSchedule = {}): Record<PollJobKind, number> {
  const result = {
    [POLL_SESSIONS_JOB]: config.sessionsIntervalMs ?? DEFAULT_SCHEDULE.sessionsIntervalMs,
    [POLL_RECONCILE_JOB]: config.reconcileIntervalMs ?? DEFAULT_SCHEDULE.reconcileIntervalMs,
  };
  for (const [kind, ms] of Object.entries(result)) {
    if (!Number.isInteger(ms) || ms < 0) {
      throw new PollerError('invalid_argument', `interval for ${kind} must be whole milliseconds ≥ 0; got ${ms}`);
    }
  }
  return result;
}

/** The job for the slot holding `at` (or the one after it). */
export function pollJob(kind: PollJobKind, intervalMs: number, at: number, next = false): EnqueueInput {
  const slot = Math.floor(at / intervalMs) + (next ? 1 : 0);
  return {
    kind,
    payload: { slot },
    priority: PRIORITY.automation,
    runAt: next ? slot * intervalMs : at,
    maxAttempts: POLL_MAX_ATTEMPTS,
    dedupeKey: `${kind}:${slot}`,
  };
}

export async function schedulePollers(options: {
  queue: Queue;
  config?: PollerSchedule;
  now?: () => number;
}): Promise<PollJobKind[]> {
  requireDeps('schedulePollers', options, ['queue']);
  const at = (options.now ?? Date.now)();
  const scheduled: PollJobKind[] = [];
  for (const [kind, ms] of Object.entries(intervals(options.config)) as [PollJobKind, number][]) {
    if (ms === 0) continue;
    await options.queue.enqueue(pollJob(kind, ms, at));
    scheduled.push(kind);
  }
  return scheduled;
}

export interface PollerHandlerDeps {
  queue: Queue;
  sessions: SessionPoller;
  reconciler: Reconciler;
  config?: PollerSchedule;
  logger: Logger;
  now?: () => number;
}

export function createPollerHandlers(deps: PollerHandlerDeps): Record<PollJobKind, JobHandler> {
  requireDeps('createPollerHandlers', deps, ['queue', 'sessions', 'reconciler', 'logger']);
  const every = intervals(deps.config);
  const now = deps.now ?? Date.now;
  const { queue, logger } = deps;

  function handler(kind: PollJobKind, poll: (signal: AbortSignal) => Promise<unknown>): JobHandler {
    return async (_job, context) => {
      if (every[kind] > 0) await queue.enqueue(pollJob(kind, every[kind], now(), true));
      await poll(context.signal);
      // The reports name attendees (emails), and no PII goes to logs: only that the poll ran.
      logger.debug({ kind }, 'poll finished');
    };
  }

  return {
    [POLL_SESSIONS_JOB]: handler(POLL_SESSIONS_JOB, (signal) => deps.sessions.pollOnce({ signal })),
    [POLL_RECONCILE_JOB]: handler(POLL_RECONCILE_JOB, (signal) => deps.reconciler.reconcileOnce({ signal })),
  };
}
