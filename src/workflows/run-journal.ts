/**
 * The durable record of workflow runs (DESIGN D6): one `workflow_runs` row per (workflow, event),
 * and one `run_steps` row per step, written `started` before the step's effect and `completed` with
 * its output before the next step starts. Plain single-row writes: each is atomic on its own, and
 * the order of writes is what the replay and the send guard rely on.
 */
import type { Kysely } from 'kysely';
import type { Database, RunStepsTable, WorkflowRunsTable } from '../store/schema.js';
import { isUniqueViolation } from '../store/unique-violation.js';
import { type StepFailure, WorkflowError } from './workflow-error.js';

export type RunRow = WorkflowRunsTable;
export type StepRow = RunStepsTable;

export interface NewRun {
  id: string;
  workflow: string;
  triggerKey: string;
  input: unknown;
  status: 'running' | 'skipped';
  now: number;
}

export function createRunJournal(db: Kysely<Database>) {
  async function findRun(triggerKey: string): Promise<RunRow | undefined> {
    return db.selectFrom('workflow_runs').selectAll().where('trigger_key', '=', triggerKey).executeTakeFirst();
  }

  return {
    findRun,

    /** The run for this trigger key: the existing one (a duplicate event), or a new one. */
    async findOrCreateRun(run: NewRun): Promise<{ row: RunRow; created: boolean }> {
      const existing = await findRun(run.triggerKey);
      if (existing) return { row: existing, created: false };
      const row: RunRow = {
        id: run.id,
        workflow: run.workflow,
        trigger_key: run.triggerKey,
        status: run.status,
        input: JSON.stringify(run.input),
        error: null,
        started_at: run.now,
        finished_at: run.status === 'skipped' ? run.now : null,
      };
      try {
        await db.insertInto('workflow_runs').values(row).execute();
        return { row, created: true };
      } catch (error) {
        // Another worker created it between our read and insert: that run is the one.
        if (!isUniqueViolation(error)) throw error;
        const winner = await findRun(run.triggerKey);
        if (!winner) throw error;
        return { row: winner, created: false };
      }
    },

    async setRunStatus(
      runId: string,
      status: RunRow['status'],
      fields: { error?: string | null; finishedAt?: number | null } = {},
    ): Promise<void> {
      await db
        .updateTable('workflow_runs')
        .set({ status, error: fields.error ?? null, finished_at: fields.finishedAt ?? null })
        .where('id', '=', runId)
        .execute();
    },

    async steps(runId: string): Promise<Map<string, StepRow>> {
      const rows = await db.selectFrom('run_steps').selectAll().where('run_id', '=', runId).execute();
      return new Map(rows.map((row) => [row.step, row]));
    },

    /**
     * Marks the step started. A first attempt inserts; a later one keeps the first `started_at`, so
     * the send guard's window covers every earlier attempt. An insert that collides means another
     * executor is on this step right now: retry later rather than run it twice.
     */
    async startStep(runId: string, step: string, now: number, previous: StepRow | undefined): Promise<number> {
      if (previous) {
        await db
          .updateTable('run_steps')
          .set({ status: 'started', output: null, finished_at: null })
          .where('run_id', '=', runId)
          .where('step', '=', step)
          .execute();
        return previous.started_at;
      }
      try {
        await db
          .insertInto('run_steps')
          .values({ run_id: runId, step, status: 'started', output: null, started_at: now, finished_at: null })
          .execute();
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        throw new WorkflowError('step_in_progress', `step ${step} of run ${runId} was started by another worker`, {
          retryable: true,
          stepId: step,
        });
      }
      return now;
    },

    /** Journals the output; `previous` says whether the row exists (skipped and guarded steps may have none). */
    async completeStep(runId: string, step: string, output: unknown, now: number, exists: boolean): Promise<void> {
      const text = output === null ? null : JSON.stringify(output);
      if (exists) {
        await db
          .updateTable('run_steps')
          .set({ status: 'completed', output: text, finished_at: now })
          .where('run_id', '=', runId)
          .where('step', '=', step)
          .execute();
        return;
      }
      await db
        .insertInto('run_steps')
        .values({ run_id: runId, step, status: 'completed', output: text, started_at: now, finished_at: now })
        .execute();
    },

    async failStep(runId: string, step: string, failure: StepFailure, now: number): Promise<void> {
      await db
        .updateTable('run_steps')
        .set({ status: 'failed', output: JSON.stringify({ error: failure }), finished_at: now })
        .where('run_id', '=', runId)
        .where('step', '=', step)
        .execute();
    },
  };
}

export type RunJournal = ReturnType<typeof createRunJournal>;

/** The failure a `failed` row recorded (see failStep), or null. */
export function failureOf(row: StepRow): StepFailure | null {
  if (row.status !== 'failed' || row.output === null) return null;
  try {
    const parsed = JSON.parse(row.output) as { error?: StepFailure };
    return parsed.error ?? null;
  } catch {
    return null;
  }
}
