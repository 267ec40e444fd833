/**
 * Row ↔ Job: the `jobs` table (migration 0003) stores the payload as JSON text and uses snake_case.
 */
import type { Selectable } from 'kysely';
import type { JobsTable } from '../store/schema.js';
import type { DeadJob, Job } from './types.js';

export type JobRow = Selectable<JobsTable>;

export function toJob(row: JobRow): Job {
  return {
    id: row.id,
    kind: row.kind,
    payload: JSON.parse(row.payload) as unknown,
    priority: row.priority,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    runAt: row.run_at,
    dedupeKey: row.dedupe_key,
  };
}

export function toDeadJob(row: JobRow): DeadJob {
  return { ...toJob(row), lastError: row.last_error, finishedAt: row.finished_at };
}

/** Claim order: lower priority first, then earlier run_at, then id so ties are stable. */
export function byClaimOrder(
  a: Pick<JobRow, 'priority' | 'run_at' | 'id'>,
  b: Pick<JobRow, 'priority' | 'run_at' | 'id'>,
): number {
  return a.priority - b.priority || a.run_at - b.run_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
