/**
 * Workflow run retention (config `runs.retentionDays`): one `runs.retention` job a day deletes the runs,
 * and their step rows, that started and ended longer ago than that. A run still `running` is never
 * deleted: its executor may be between two steps. Like the index's retention job (index-maintenance.ts)
 * each job is keyed by its day and first enqueues the next day's, so processes merge into one chain.
 *
 * A deleted run's journal is gone: the same event arriving again (a delivery reprocessed months later)
 * would run the workflow afresh. That is why the default keeps a month.
 */
import type { Kysely } from 'kysely';
import type { Logger } from '../lib/create-logger.js';
import type { EnqueueInput, JobHandler, Queue } from '../queue/types.js';
import type { Database } from '../store/schema.js';
import { slotJob } from './index-maintenance.js';
import { PipelineError } from './job-error.js';

export const RUN_RETENTION_JOB = 'runs.retention';
const DAY_MS = 24 * 60 * 60 * 1000;
/** Runs deleted per transaction, so a first clean-up of a large table never holds the write lock for long. */
const BATCH = 500;

export interface RunRetentionOptions {
  queue: Queue;
  db: Kysely<Database>;
  /** Config `runs.retentionDays`; null keeps every run (the daily job then only schedules the next). */
  days: number | null;
  logger: Logger;
  now?: () => number;
}

export interface RunRetention {
  handlers: Record<typeof RUN_RETENTION_JOB, JobHandler>;
  /** Enqueues today's job (idempotent). */
  schedule(): Promise<void>;
}

export function runRetentionJob(at: number, next = false): EnqueueInput {
  return slotJob(RUN_RETENTION_JOB, RUN_RETENTION_JOB, {}, DAY_MS, at, next);
}

export function createRunRetention(options: RunRetentionOptions): RunRetention {
  for (const name of ['queue', 'db', 'logger'] as const) {
    if (options?.[name] == null) {
      throw new PipelineError('missing_dependency', `createRunRetention: options.${name} is required`);
    }
  }
  const { queue, db, days, logger } = options;
  if (days !== null && !(Number.isInteger(days) && days >= 1)) {
    throw new RangeError(`createRunRetention: days must be a whole number of days ≥ 1, or null; got ${days}`);
  }
  const now = options.now ?? Date.now;
  return {
    handlers: {
      [RUN_RETENTION_JOB]: async () => {
        await queue.enqueue(runRetentionJob(now(), true));
        if (days === null) return;
        const deleted = await deleteRunsBefore(db, now() - days * DAY_MS);
        logger.info({ ...deleted, retentionDays: days }, 'workflow run retention applied');
      },
    },
    async schedule() {
      await queue.enqueue(runRetentionJob(now()));
    },
  };
}

/** Deletes the runs that are not running and both started and ended before `cutoff` (epoch ms), with their steps. */
export async function deleteRunsBefore(db: Kysely<Database>, cutoff: number): Promise<{ runs: number; steps: number }> {
  const total = { runs: 0, steps: 0 };
  for (;;) {
    const deleted = await db.transaction().execute(async (trx) => {
      const ids = (
        await trx
          .selectFrom('workflow_runs')
          .select('id')
          .where('status', '<>', 'running')
          .where('started_at', '<', cutoff)
          // A failed run keeps no finish time; a retried one that finished lately is recent history.
          .where((eb) => eb.or([eb('finished_at', 'is', null), eb('finished_at', '<', cutoff)]))
          .orderBy('started_at')
          .limit(BATCH)
          .execute()
      ).map((row) => row.id);
      if (ids.length === 0) return { runs: 0, steps: 0, selected: 0 };
      // Runs first, re-checked: one a retry restarted since the select keeps its steps too.
      const runs = (
        await trx
          .deleteFrom('workflow_runs')
          .where('id', 'in', ids)
          .where('status', '<>', 'running')
          .returning('id')
          .execute()
      ).map((row) => row.id);
      if (runs.length === 0) return { runs: 0, steps: 0, selected: ids.length };
      const steps = await trx.deleteFrom('run_steps').where('run_id', 'in', runs).executeTakeFirst();
      return { runs: runs.length, steps: Number(steps.numDeletedRows), selected: ids.length };
    });
    total.runs += deleted.runs;
    total.steps += deleted.steps;
    if (deleted.selected < BATCH) return total;
  }
}
