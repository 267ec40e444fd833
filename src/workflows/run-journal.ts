/**
 * The durable record of workflow runs (DESIGN D6): one `workflow_runs` row per (workflow, event),
 * and one `run_steps` row per step.
 *
 * What must be durable, and when, decides how many commits a run costs (each is a WAL write on
 * SQLite; the engine-overhead bench counted 15 per welcome flow). The journal holds the writes of a
 * run and commits them together, in one transaction, at the points where durability matters:
 * - before an unsafe step's effect (a send): its `started` row, which the send guard reads on a replay
 *   (run-step.ts), goes out with every write still held;
 * - right after an unsafe step's effect: its `completed` row, so a replay never has to ask the guard;
 * - when the run ends, fails or a step fails.
 * The `completed` rows of safe steps (reads, idempotent upserts, local writes) wait for the next of
 * those points: a crash before it only means the replay runs those steps again, which they allow.
 * A safe step writes no `started` row at all: nothing reads it.
 */
import type { Kysely, Transaction } from 'kysely';
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

type Write = (db: Kysely<Database> | Transaction<Database>) => Promise<unknown>;

export function createRunJournal(db: Kysely<Database>) {
  /** Writes held until the next durable point, in order. */
  let held: Write[] = [];

  async function findRun(triggerKey: string): Promise<RunRow | undefined> {
    return db.selectFrom('workflow_runs').selectAll().where('trigger_key', '=', triggerKey).executeTakeFirst();
  }

  async function steps(runId: string): Promise<Map<string, StepRow>> {
    const rows = await db.selectFrom('run_steps').selectAll().where('run_id', '=', runId).execute();
    return new Map(rows.map((row) => [row.step, row]));
  }

  /** Commits the held writes and `last` in one transaction (none when there is a single write). */
  async function commit(last?: Write): Promise<void> {
    const committing = held.length;
    const writes = last ? [...held, last] : held.slice();
    if (writes.length === 0) return;
    if (writes.length === 1) await writes[0]?.(db);
    else {
      await db.transaction().execute(async (trx) => {
        for (const write of writes) await write(trx);
      });
    }
    // Only committed writes leave the queue: after a failed commit they go out with the failure's.
    held = held.slice(committing);
  }

  /** Insert, or overwrite status/output/finished_at of the row an earlier attempt left (keeping its started_at). */
  function writeStep(runId: string, row: Omit<StepRow, 'run_id'>): Write {
    return (target) =>
      target
        .insertInto('run_steps')
        .values({ run_id: runId, ...row })
        .onConflict((conflict) =>
          conflict
            .columns(['run_id', 'step'])
            .doUpdateSet({ status: row.status, output: row.output, finished_at: row.finished_at }),
        )
        .execute();
  }

  return {
    findRun,
    steps,

    /**
     * The run for this trigger key: a new one (no steps yet), or the existing one (a duplicate event
     * or a retry) with its journaled steps. One insert for a new run; it ignores a taken trigger key,
     * so a concurrent creator's run is found rather than raising.
     */
    async findOrCreateRun(run: NewRun): Promise<{ row: RunRow; created: boolean; steps: Map<string, StepRow> }> {
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
      const inserted = await db
        .insertInto('workflow_runs')
        .values(row)
        .onConflict((conflict) => conflict.column('trigger_key').doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) return { row, created: true, steps: new Map() };
      const existing = await findRun(run.triggerKey);
      if (!existing) throw new Error(`workflow run ${run.triggerKey} neither inserted nor found`);
      return { row: existing, created: false, steps: await steps(existing.id) };
    },

    /** Durable at once, with every held write. */
    async setRunStatus(
      runId: string,
      status: RunRow['status'],
      fields: { error?: string | null; finishedAt?: number | null } = {},
    ): Promise<void> {
      await commit((target) =>
        target
          .updateTable('workflow_runs')
          .set({ status, error: fields.error ?? null, finished_at: fields.finishedAt ?? null })
          .where('id', '=', runId)
          .execute(),
      );
    },

    /**
     * Marks an unsafe step started, durably, together with every held write: the send guard's
     * evidence must exist before the effect. A first attempt inserts; a later one keeps the first
     * `started_at`, so the guard's window covers every earlier attempt. An insert that collides means
     * another executor is on this step right now: retry later rather than run it twice.
     */
    async startStep(runId: string, step: string, now: number, previous: StepRow | undefined): Promise<number> {
      if (previous) {
        await commit((target) =>
          target
            .updateTable('run_steps')
            .set({ status: 'started', output: null, finished_at: null })
            .where('run_id', '=', runId)
            .where('step', '=', step)
            .execute(),
        );
        return previous.started_at;
      }
      try {
        await commit((target) =>
          target
            .insertInto('run_steps')
            .values({ run_id: runId, step, status: 'started', output: null, started_at: now, finished_at: null })
            .execute(),
        );
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        throw new WorkflowError('step_in_progress', `step ${step} of run ${runId} was started by another worker`, {
          retryable: true,
          stepId: step,
        });
      }
      return now;
    },

    /**
     * Journals the step's output. `durable`: commit now (an unsafe step's effect happened); else the
     * row waits for the next durable point (see the file comment).
     */
    async completeStep(
      runId: string,
      step: string,
      output: unknown,
      times: { startedAt: number; now: number },
      durable: boolean,
    ): Promise<void> {
      const text = output === null ? null : JSON.stringify(output);
      const write = writeStep(runId, {
        step,
        status: 'completed',
        output: text,
        started_at: times.startedAt,
        finished_at: times.now,
      });
      if (durable) await commit(write);
      else held.push(write);
    },

    /** Durable at once, with every held write (so the steps before it stay finished). */
    async failStep(runId: string, step: string, failure: StepFailure, times: { startedAt: number; now: number }) {
      await commit(
        writeStep(runId, {
          step,
          status: 'failed',
          output: JSON.stringify({ error: failure }),
          started_at: times.startedAt,
          finished_at: times.now,
        }),
      );
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
