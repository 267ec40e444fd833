/**
 * The durable record of workflow runs: one `workflow_runs` row per (workflow, event), and one
 * `run_steps` row per step, so a replay skips the steps that finished.
 *
 * What must be durable, and when, decides how many statements a run costs. The journal holds a run's
 * step rows and writes them together, in one statement, at the points where durability matters,
 * ahead of the write that marks the point:
 * - before an unsafe step's effect (a send): its `started` row, which the send guard reads on a replay
 *   (run-step.ts), goes out with every write still held;
 * - right after an unsafe step's effect: its `completed` row, so a replay never has to ask the guard;
 * - when the run ends, fails or a step fails.
 * The `completed` rows of safe steps (reads, idempotent upserts, local writes) wait for the next of
 * those points: a crash before it only means the replay runs those steps again, which they allow.
 * A safe step writes no `started` row at all: nothing reads it.
 *
 * The writes are hand-written SQL, compiled by Kysely once per database and then run with new
 * parameters: building and compiling the same few statements for every step would cost a visible share
 * of the engine's CPU. `on conflict … do update` and `do nothing` read the same on SQLite and PostgreSQL.
 */
import { CompiledQuery, type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
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
  /** The stored workflow version it runs; null for a built-in or a file. */
  version: number | null;
}

type Target = Kysely<Database> | Transaction<Database>;
type Write = (target: Target) => Promise<unknown>;
type StepValues = [
  runId: string,
  step: string,
  status: string,
  output: string | null,
  startedAt: number,
  finishedAt: number | null,
  input: string | null,
];

const STEP_COLUMNS = sql`insert into run_steps (run_id, step, status, output, started_at, finished_at, input) values `;
/** Overwrites what an earlier attempt left, keeping its started_at (the send guard's window starts there). */
const STEP_UPSERT = sql` on conflict (run_id, step) do update set status = excluded.status, output = excluded.output, finished_at = excluded.finished_at, input = excluded.input`;
const row7 = (v: readonly unknown[]) => sql`(${v[0]}, ${v[1]}, ${v[2]}, ${v[3]}, ${v[4]}, ${v[5]}, ${v[6]})`;
const STATEMENTS = {
  insertRun: (v: readonly unknown[]) =>
    sql`insert into workflow_runs (id, workflow, trigger_key, status, input, error, started_at, finished_at, version) values (${v[0]}, ${v[1]}, ${v[2]}, ${v[3]}, ${v[4]}, ${v[5]}, ${v[6]}, ${v[7]}, ${v[8]}) on conflict (trigger_key) do nothing`,
  insertStep: (v: readonly unknown[]) => sql`${STEP_COLUMNS}${row7(v)}`,
  restartStep: (v: readonly unknown[]) =>
    sql`update run_steps set status = 'started', output = null, finished_at = null, input = ${v[2]} where run_id = ${v[0]} and step = ${v[1]}`,
  setRunVersion: (v: readonly unknown[]) => sql`update workflow_runs set version = ${v[0]} where id = ${v[1]}`,
  setRunStatus: (v: readonly unknown[]) =>
    sql`update workflow_runs set status = ${v[0]}, error = ${v[1]}, finished_at = ${v[2]} where id = ${v[3]}`,
} satisfies Record<string, (v: readonly unknown[]) => RawBuilder<unknown>>;

/** Step rows (seven values each, in STEP_COLUMNS order) as one upsert. */
function upsertSteps(v: readonly unknown[]): RawBuilder<unknown> {
  const rows = Array.from({ length: v.length / 7 }, (_, i) => row7(v.slice(i * 7, i * 7 + 7)));
  return sql`${STEP_COLUMNS}${sql.join(rows)}${STEP_UPSERT}`;
}

/**
 * The held rows and, last, a new `started` row, as one statement: a `started` row never overwrites
 * one that exists (another executor's), so a row count short by one says the step is taken.
 */
function startSteps(v: readonly unknown[]): RawBuilder<unknown> {
  return sql`${upsertSteps(v)} where excluded.status <> 'started'`;
}

const compiledByDatabase = new WeakMap<Kysely<Database>, Map<string, string>>();

/** The statement's SQL text for this database, compiled on first use; parameters go in the order written. */
function statement(
  db: Kysely<Database>,
  key: string,
  build: (v: readonly unknown[]) => RawBuilder<unknown>,
  size: number,
) {
  let texts = compiledByDatabase.get(db);
  if (!texts) {
    texts = new Map();
    compiledByDatabase.set(db, texts);
  }
  let text = texts.get(key);
  if (text === undefined) {
    text = build(Array.from({ length: size }, (_, i) => i)).compile(db).sql;
    texts.set(key, text);
  }
  return text;
}

export function createRunJournal(db: Kysely<Database>) {
  /** Rows held until the next durable point, by step (a later write of a step replaces an earlier one). */
  const held = new Map<string, StepValues>();

  function writeOf(key: keyof typeof STATEMENTS, parameters: unknown[]): Write {
    const text = statement(db, key, STATEMENTS[key], parameters.length);
    return (target) => target.executeQuery(CompiledQuery.raw(text, parameters));
  }

  function upsert(rows: StepValues[]): Write {
    const text = statement(db, `upsertSteps:${rows.length}`, upsertSteps, rows.length * 7);
    const parameters = rows.flat();
    return (target) => target.executeQuery(CompiledQuery.raw(text, parameters));
  }

  async function findRun(triggerKey: string): Promise<RunRow | undefined> {
    return db.selectFrom('workflow_runs').selectAll().where('trigger_key', '=', triggerKey).executeTakeFirst();
  }

  async function steps(runId: string): Promise<Map<string, StepRow>> {
    const rows = await db.selectFrom('run_steps').selectAll().where('run_id', '=', runId).execute();
    return new Map(rows.map((row) => [row.step, row]));
  }

  /**
   * Makes the held rows durable (one upsert), then `last`. Two statements, not a transaction: a crash
   * between them leaves finished steps' rows without the write that follows, which a replay finishes,
   * and on SQLite each statement of a flow is a visible share of its CPU (docs/benchmarks.md, engine).
   */
  async function commit(last?: Write): Promise<void> {
    const rows = [...held.values()];
    if (rows.length > 0) {
      await upsert(rows)(db);
      // Only committed rows leave: after a failed commit they go out with the failure's commit.
      for (const row of rows) if (held.get(row[1]) === row) held.delete(row[1]);
    }
    if (last) await last(db);
  }

  function hold(values: StepValues): void {
    held.delete(values[1]);
    held.set(values[1], values);
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
        version: run.version,
      };
      const values = [
        row.id,
        row.workflow,
        row.trigger_key,
        row.status,
        row.input,
        null,
        row.started_at,
        row.finished_at,
        row.version,
      ];
      const inserted = await writeOf('insertRun', values)(db);
      if (Number((inserted as { numAffectedRows?: bigint }).numAffectedRows ?? 0) > 0) {
        return { row, created: true, steps: new Map() };
      }
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
      await commit(writeOf('setRunStatus', [status, fields.error ?? null, fields.finishedAt ?? null, runId]));
    },

    /** Durable at once, with every held write. */
    async setRunVersion(runId: string, version: number | null): Promise<void> {
      await commit(writeOf('setRunVersion', [version, runId]));
    },

    /**
     * Marks an unsafe step started, durably, together with every held write: the send guard's
     * evidence must exist before the effect. A first attempt inserts; a later one keeps the first
     * `started_at`, so the guard's window covers every earlier attempt. An insert that finds the row
     * taken means another executor is on this step right now: retry later rather than run it twice.
     */
    async startStep(
      runId: string,
      step: string,
      now: number,
      previous: StepRow | undefined,
      input: string | null = null,
    ): Promise<number> {
      if (previous) {
        await commit(writeOf('restartStep', [runId, step, input]));
        return previous.started_at;
      }
      const taken = () =>
        new WorkflowError('step_in_progress', `step ${step} of run ${runId} was started by another worker`, {
          retryable: true,
          stepId: step,
        });
      const started: StepValues = [runId, step, 'started', null, now, null, input];
      if (!held.has(step)) {
        // One statement instead of a transaction of two: every held row goes out with it.
        const rows = [...held.values(), started];
        const text = statement(db, `startSteps:${rows.length}`, startSteps, rows.length * 7);
        const result = await db.executeQuery(CompiledQuery.raw(text, rows.flat()));
        for (const row of rows) if (held.get(row[1]) === row) held.delete(row[1]);
        if (Number(result.numAffectedRows ?? 0) < rows.length) throw taken();
        return now;
      }
      try {
        await commit(writeOf('insertStep', started));
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        throw taken();
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
      input: string | null = null,
    ): Promise<void> {
      const text = output === null ? null : JSON.stringify(output);
      hold([runId, step, 'completed', text, times.startedAt, times.now, input]);
      if (durable) await commit();
    },

    /** Durable at once, with every held write (so the steps before it stay finished). */
    async failStep(
      runId: string,
      step: string,
      failure: StepFailure,
      times: { startedAt: number; now: number },
      input: string | null = null,
    ) {
      hold([runId, step, 'failed', JSON.stringify({ error: failure }), times.startedAt, times.now, input]);
      await commit();
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
