/**
 * Workflow runs for the admin pages: `workflow_runs` newest first, keyset paged,
 * and one run with its journaled steps (`run_steps`). Run inputs and step outputs are attendee data
 * the runner journaled; admins see them, nothing here adds secrets to them.
 */
import type { Kysely, Selectable } from 'kysely';
import type { Database, RunStepsTable, WorkflowRunsTable } from '../../store/schema.js';
import { ConsoleError } from '../console-error.js';
import { decodeCursor, type KeysetPage, toPage } from './keyset-cursor.js';

export const RUN_STATUSES = ['running', 'completed', 'failed', 'skipped'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export interface RunView {
  runId: string;
  workflow: string;
  triggerKey: string;
  status: RunStatus;
  error: string | null;
  startedAt: number;
  finishedAt: number | null;
}

export interface RunStepView {
  step: string;
  status: 'started' | 'completed' | 'failed';
  /** The step's journaled output, parsed; the raw text when it is not JSON. */
  output: unknown;
  startedAt: number;
  finishedAt: number | null;
}

export interface RunQuery {
  status?: RunStatus;
  workflow?: string;
  limit: number;
  cursor?: string | null;
}

export async function listRuns(db: Kysely<Database>, query: RunQuery): Promise<KeysetPage<RunView>> {
  const after = query.cursor ? decodeCursor(query.cursor) : null;
  const rows = await db
    .selectFrom('workflow_runs')
    .select(['id', 'workflow', 'trigger_key', 'status', 'error', 'started_at', 'finished_at'])
    .$if(query.status !== undefined, (qb) => qb.where('status', '=', query.status as RunStatus))
    .$if(query.workflow !== undefined, (qb) => qb.where('workflow', '=', query.workflow as string))
    .$if(after !== null, (qb) => {
      const [at, id] = after as [number, string];
      return qb.where((eb) =>
        eb.or([eb('started_at', '<', at), eb.and([eb('started_at', '=', at), eb('id', '<', id)])]),
      );
    })
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute();
  return toPage(rows, query.limit, (row) => [Number(row.started_at), row.id], toRunView);
}

/** The last `perWorkflow` runs of each named workflow, for the workflows page. */
export async function recentRunsByWorkflow(
  db: Kysely<Database>,
  workflows: readonly string[],
  perWorkflow: number,
): Promise<Map<string, RunView[]>> {
  const result = new Map<string, RunView[]>();
  for (const workflow of workflows) {
    result.set(workflow, (await listRuns(db, { workflow, limit: perWorkflow })).items);
  }
  return result;
}

export async function getRun(
  db: Kysely<Database>,
  runId: string,
): Promise<RunView & { input: unknown; steps: RunStepView[] }> {
  const run = await db.selectFrom('workflow_runs').selectAll().where('id', '=', runId).executeTakeFirst();
  if (!run) throw new ConsoleError('not_found', `no workflow run ${runId}`, { field: 'runId' });
  const steps = await db
    .selectFrom('run_steps')
    .selectAll()
    .where('run_id', '=', runId)
    .orderBy('started_at')
    .orderBy('step')
    .execute();
  return { ...toRunView(run), input: parseJson(run.input), steps: steps.map(toStepView) };
}

function toRunView(
  row: Pick<
    Selectable<WorkflowRunsTable>,
    'id' | 'workflow' | 'trigger_key' | 'status' | 'error' | 'started_at' | 'finished_at'
  >,
): RunView {
  return {
    runId: row.id,
    workflow: row.workflow,
    triggerKey: row.trigger_key,
    status: row.status,
    error: row.error,
    startedAt: Number(row.started_at),
    finishedAt: row.finished_at === null ? null : Number(row.finished_at),
  };
}

function toStepView(row: Selectable<RunStepsTable>): RunStepView {
  return {
    step: row.step,
    status: row.status,
    output: row.output === null ? null : parseJson(row.output),
    startedAt: Number(row.started_at),
    finishedAt: row.finished_at === null ? null : Number(row.finished_at),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
