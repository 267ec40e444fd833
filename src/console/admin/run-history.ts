/**
 * Workflow runs for the admin pages: `workflow_runs` newest first, keyset paged,
 * and one run with its journaled steps (`run_steps`). Run inputs and step inputs and outputs are
 * attendee data the runner journaled; admins see them, nothing here adds secrets to them.
 */
import type { Kysely, Selectable } from 'kysely';
import type { Database, RunStepsTable, WorkflowRunsTable } from '../../store/schema.js';
import { failureOf } from '../../workflows/run-journal.js';
import { ConsoleError } from '../console-error.js';
import { decodeCursor, type KeysetPage, toPage } from './keyset-cursor.js';

export const RUN_STATUSES = ['running', 'completed', 'failed', 'skipped'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Who a run was for: the Accelevents attendee of its event, or the contact of an inbound message. */
export interface RunAttendee {
  id: string | null;
  name: string | null;
  email: string | null;
}

export interface RunView {
  runId: string;
  workflow: string;
  /** The saved workflow version the run ran last; null for a built-in or a workflow file. */
  version: number | null;
  triggerKey: string;
  status: RunStatus;
  error: string | null;
  attendee: RunAttendee | null;
  startedAt: number;
  finishedAt: number | null;
}

export interface RunStepView {
  step: string;
  status: 'started' | 'completed' | 'failed';
  /** The step's rendered `with`, parsed; null when it was skipped or journaled before inputs were kept. */
  input: unknown;
  /** The step's journaled output, parsed (the raw text when it is not JSON); null for a failed step. */
  output: unknown;
  /** Why a failed step failed; `ambiguous`: a send that may have reached HighLevel all the same. */
  error: { code: string; message: string; ambiguous: boolean } | null;
  startedAt: number;
  finishedAt: number | null;
  durationMs: number | null;
}

export interface RunQuery {
  status?: RunStatus;
  workflow?: string;
  limit: number;
  cursor?: string | null;
}

const RUN_COLUMNS = [
  'id',
  'workflow',
  'version',
  'trigger_key',
  'status',
  'input',
  'error',
  'started_at',
  'finished_at',
] as const;

export async function listRuns(db: Kysely<Database>, query: RunQuery): Promise<KeysetPage<RunView>> {
  const after = query.cursor ? decodeCursor(query.cursor) : null;
  const rows = await db
    .selectFrom('workflow_runs')
    .select(RUN_COLUMNS)
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

function toRunView(row: Pick<Selectable<WorkflowRunsTable>, (typeof RUN_COLUMNS)[number]>): RunView {
  return {
    runId: row.id,
    workflow: row.workflow,
    version: row.version === null ? null : Number(row.version),
    triggerKey: row.trigger_key,
    status: row.status,
    error: row.error,
    attendee: attendeeOf(parseJson(row.input)),
    startedAt: Number(row.started_at),
    finishedAt: row.finished_at === null ? null : Number(row.finished_at),
  };
}

function toStepView(row: Selectable<RunStepsTable>): RunStepView {
  const failure = failureOf(row);
  const startedAt = Number(row.started_at);
  const finishedAt = row.finished_at === null ? null : Number(row.finished_at);
  return {
    step: row.step,
    status: row.status,
    input: row.input === null ? null : parseJson(row.input),
    // A failed row's output column holds its error (run-journal.ts failStep), shown as `error`.
    output: row.status === 'failed' || row.output === null ? null : parseJson(row.output),
    error: failure ? { code: failure.code, message: failure.message, ambiguous: failure.ambiguous } : null,
    startedAt,
    finishedAt,
    durationMs: finishedAt === null ? null : Math.max(0, finishedAt - startedAt),
  };
}

/**
 * The person in a run's input (`{ key, locationId, data }`, run-workflow.ts): `data.attendee` for the
 * Accelevents and session triggers, `data.contact` for an inbound message (src/workflows/triggers.ts).
 */
export function attendeeOf(input: unknown): RunAttendee | null {
  const data = objectOf(objectOf(input)?.data);
  const person = objectOf(data?.attendee) ?? objectOf(data?.contact);
  if (!person) return null;
  const fullName = [textOf(person.firstName), textOf(person.lastName)].filter((part) => part !== null).join(' ');
  const attendee = {
    id: textOf(person.id),
    name: fullName === '' ? textOf(person.name) : fullName,
    email: textOf(person.email),
  };
  return attendee.id === null && attendee.name === null && attendee.email === null ? null : attendee;
}

function objectOf(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

function textOf(value: unknown): string | null {
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
