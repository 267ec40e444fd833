/**
 * The `workflow.retry` job (POST /api/admin/runs/:runId/retry and the bulk replay enqueue it with
 * `{ runId }`): runs a failed run again from the start, on its workflow's current definition, with the
 * event it first ran for (the run's stored input), under the same trigger key.
 *
 * "From the start" stops at what must never happen twice. The run's step rows are deleted except
 * those of unsafe actions (sends: `unsafe` in src/workflows/actions/action-types.ts), looked up by the
 * step ids of the current definition; a row whose step id the current definition no longer has is kept
 * too, since nothing says what it did. So a send that went out is replayed from the journal instead of
 * sent again, an interrupted one goes through the send guard (run-step.ts), and every safe step runs
 * again with the new version's inputs. runWorkflow records the version it ran.
 *
 * A failed run starts over on every attempt of the job (a retryable failure fails the run again; safe
 * steps may repeat). A run found `running` on the first attempt is another job's for now: the retry
 * waits (a retryable error) rather than start beside it; on a later attempt it is most likely this
 * job's own attempt cut short (a lost lease), and is resumed from its journal.
 */
import { type Kysely, sql } from 'kysely';
import { PRIORITY } from '../../lib/priority-lanes.js';
import type { EnqueueInput, JobHandler } from '../../queue/types.js';
import { NonRetryableError } from '../../queue/types.js';
import type { Database } from '../../store/schema.js';
import { getAction } from '../../workflows/actions/action-registry.js';
import type { VersionedWorkflow } from '../../workflows/definition-schema.js';
import { runWorkflow, type WorkflowEvent, workflowLane } from '../../workflows/run-workflow.js';
import { isRetryable, WorkflowError } from '../../workflows/workflow-error.js';
import { currentWorkflows } from '../../workflows/workflow-source.js';
import { disabledWorkflows } from '../../workflows/workflow-switches.js';
import { PipelineError } from '../job-error.js';
import type { RunTriggeredDeps } from '../run-triggered.js';

export const WORKFLOW_RETRY_JOB = 'workflow.retry';
const DEDUPE_PREFIX = `${WORKFLOW_RETRY_JOB}:`;

export type WorkflowRetryHandlerDeps = Omit<RunTriggeredDeps, 'signal'>;

/**
 * The retry job of one run. Its dedupe key counts the run's retries that already finished (done or
 * dead), so a retry asked for while one is queued or running is that same job, and one asked for after
 * it finished is a new one.
 */
export async function workflowRetryJob(
  db: Kysely<Database>,
  run: { runId: string; definition: VersionedWorkflow },
): Promise<EnqueueInput> {
  const prefix = `${DEDUPE_PREFIX}${run.runId}:`;
  const finished = await db
    .selectFrom('jobs')
    .select((eb) => eb.fn.countAll<number | string>().as('count'))
    .where('kind', '=', WORKFLOW_RETRY_JOB)
    // A prefix test without LIKE, whose `_` and `%` would need escaping that SQLite and PostgreSQL spell apart.
    .where(sql<string>`substr(dedupe_key, 1, ${prefix.length})`, '=', prefix)
    .where('status', 'in', ['done', 'dead'])
    .executeTakeFirst();
  return {
    kind: WORKFLOW_RETRY_JOB,
    payload: { runId: run.runId },
    priority: PRIORITY[workflowLane(run.definition)],
    dedupeKey: `${prefix}${Number(finished?.count ?? 0)}`,
  };
}

export function workflowRetryHandler(deps: WorkflowRetryHandlerDeps): JobHandler {
  const now = deps.now ?? Date.now;
  return async (job, context) => {
    const runId = (job.payload as { runId?: unknown } | null)?.runId;
    if (typeof runId !== 'string' || runId === '') {
      throw new PipelineError('invalid_job', `${WORKFLOW_RETRY_JOB} job ${job.id} has no payload.runId`);
    }
    const run = await deps.db.selectFrom('workflow_runs').selectAll().where('id', '=', runId).executeTakeFirst();
    if (!run) {
      deps.logger.warn({ runId, jobId: job.id }, 'workflow run to retry is gone (retention removed it); nothing to do');
      return;
    }
    if (run.status === 'completed' || run.status === 'skipped') {
      deps.logger.info({ runId, status: run.status }, 'workflow run to retry has finished already; nothing to do');
      return;
    }
    const definition = (await currentWorkflows(deps.workflows)).find((w) => w.name === run.workflow);
    if (!definition) {
      throw new NonRetryableError(`workflow ${run.workflow} no longer exists, so run ${runId} cannot be retried`);
    }
    if ((await disabledWorkflows(deps.db)).has(run.workflow)) {
      throw new NonRetryableError(
        `workflow ${run.workflow} is switched off; switch it on and retry run ${runId} again to run it`,
      );
    }
    // A failed run starts over (on every attempt: a retryable failure fails the run again). A running one
    // is another job's on the first attempt, and on a later one most likely this job's own, cut short.
    const restarted = run.status === 'failed' && (await restartRun(deps.db, runId, definition));
    if (!restarted && job.attempts <= 1) {
      const current = await deps.db
        .selectFrom('workflow_runs')
        .select('status')
        .where('id', '=', runId)
        .executeTakeFirst();
      // Deleted by retention: a new run under its key would have no journal to keep sends from repeating.
      if (current === undefined || current.status === 'completed' || current.status === 'skipped') {
        deps.logger.info({ runId, status: current?.status ?? 'deleted' }, 'workflow run to retry is done or gone');
        return;
      }
      // Two executors on one run could both see a send as unfinished: wait for the other one; a later
      // attempt finds the run finished, or failed and starts it over.
      throw new WorkflowError('step_in_progress', `run ${runId} is running in another job; the retry waits for it`, {
        retryable: true,
      });
    }
    try {
      await runWorkflow({
        definition,
        event: eventOf(run.input, runId),
        deps: {
          db: deps.db,
          highlevel: deps.highlevel,
          logger: deps.logger,
          engine: deps.engine,
          now,
          signal: context.signal,
          ...(deps.sleep ? { sleep: deps.sleep } : {}),
        },
      });
    } catch (error) {
      if (isRetryable(error)) throw error;
      const message = error instanceof Error ? error.message : String(error);
      throw new NonRetryableError(`workflow ${definition.name}: ${message}`, { cause: error });
    }
  };
}

/**
 * Back to running with only the rows of effects that must not repeat, in one transaction, and only
 * while the run is still failed; false when it was not (restarted by another job, or deleted).
 */
async function restartRun(db: Kysely<Database>, runId: string, definition: VersionedWorkflow): Promise<boolean> {
  const repeatable = definition.steps.filter((step) => getAction(step.action)?.unsafe === false).map((s) => s.id);
  const unsafe = definition.steps.filter((step) => getAction(step.action)?.unsafe === true).map((s) => s.id);
  return db.transaction().execute(async (trx) => {
    const restarted = await trx
      .updateTable('workflow_runs')
      .set({ status: 'running', error: null, finished_at: null })
      .where('id', '=', runId)
      .where('status', '=', 'failed')
      .executeTakeFirst();
    if (Number(restarted.numUpdatedRows) === 0) return false;
    if (repeatable.length > 0) {
      await trx.deleteFrom('run_steps').where('run_id', '=', runId).where('step', 'in', repeatable).execute();
    }
    // An unsafe step whose `if` was false journaled `completed` with no output and no input: it sent
    // nothing, so the new version may decide again whether to send.
    if (unsafe.length > 0) {
      await trx
        .deleteFrom('run_steps')
        .where('run_id', '=', runId)
        .where('step', 'in', unsafe)
        .where('status', '=', 'completed')
        .where('output', 'is', null)
        .where('input', 'is', null)
        .execute();
    }
    return true;
  });
}

/** The event the run first ran for, as runWorkflow stored it (`{ key, locationId, data }`). */
function eventOf(input: string, runId: string): WorkflowEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(input);
  } catch {
    parsed = null;
  }
  const event = parsed as Partial<WorkflowEvent> | null;
  if (
    typeof event?.key !== 'string' ||
    typeof event.locationId !== 'string' ||
    typeof event.data !== 'object' ||
    event.data === null
  ) {
    throw new NonRetryableError(`run ${runId} has no stored event ({ key, locationId, data }) to run again`);
  }
  return { key: event.key, locationId: event.locationId, data: event.data };
}
