/**
 * Retrying failed workflow runs from the console: one run (POST /api/admin/runs/:runId/retry) or every
 * failed run of a workflow (POST /api/admin/workflows/:name/runs/retry-failed). Each queues a
 * `workflow.retry` job (src/jobs/handlers/workflow-retry-handler.ts says what a retry repeats and what
 * it never does); a run whose retry is queued already gets that job again, by its dedupe key.
 */
import type { Kysely } from 'kysely';
import { workflowRetryJob } from '../../jobs/handlers/workflow-retry-handler.js';
import type { Queue } from '../../queue/types.js';
import type { Database } from '../../store/schema.js';
import type { VersionedWorkflow } from '../../workflows/definition-schema.js';
import type { WorkflowSource } from '../../workflows/workflow-source.js';
import { isWorkflowEnabled } from '../../workflows/workflow-switches.js';
import { ConsoleError } from '../console-error.js';

export interface RunRetryDeps {
  db: Kysely<Database>;
  queue: Queue;
  workflows: WorkflowSource;
}

export interface RetryQueued {
  runId: string;
  jobId: string;
  /** False when this run's retry was queued already (the answer names that job). */
  queued: boolean;
}

export async function retryRun(deps: RunRetryDeps, runId: string): Promise<RetryQueued> {
  const run = await deps.db
    .selectFrom('workflow_runs')
    .select(['id', 'workflow', 'status'])
    .where('id', '=', runId)
    .executeTakeFirst();
  if (!run) throw new ConsoleError('not_found', `no workflow run ${runId}`, { field: 'runId' });
  if (run.status !== 'failed') {
    throw new ConsoleError('conflict', `run ${runId} is ${run.status}; only a failed run can be retried`, {
      reason: 'run_not_failed',
    });
  }
  const definition = await runnableWorkflow(deps, run.workflow);
  const job = await deps.queue.enqueue(await workflowRetryJob(deps.db, { runId, definition }));
  return { runId, jobId: job.id, queued: job.created };
}

/** Queues a retry of every failed run of the workflow; runs whose retry is queued already are counted apart. */
export async function retryFailedRuns(
  deps: RunRetryDeps,
  workflow: string,
): Promise<{ queued: number; alreadyQueued: number }> {
  const definition = await runnableWorkflow(deps, workflow);
  const failed = await deps.db
    .selectFrom('workflow_runs')
    .select('id')
    .where('workflow', '=', workflow)
    .where('status', '=', 'failed')
    .orderBy('started_at')
    .orderBy('id')
    .execute();
  let queued = 0;
  for (const { id } of failed) {
    const job = await deps.queue.enqueue(await workflowRetryJob(deps.db, { runId: id, definition }));
    if (job.created) queued += 1;
  }
  return { queued, alreadyQueued: failed.length - queued };
}

/** The workflow's current definition, which a retry runs; refused when it is gone or switched off. */
async function runnableWorkflow(deps: RunRetryDeps, name: string): Promise<VersionedWorkflow> {
  const definition = (await deps.workflows.current()).find((w) => w.name === name);
  if (!definition) {
    throw new ConsoleError(
      'not_found',
      `no workflow named ${name} runs now (deleted, or its feature is off), so its runs cannot be retried`,
      { field: 'name', reason: 'workflow_not_found' },
    );
  }
  if (!(await isWorkflowEnabled(deps.db, name))) {
    throw new ConsoleError(
      'conflict',
      `workflow ${name} is switched off; switch it on (PUT /api/admin/workflows/${name}) before retrying its runs`,
      { reason: 'workflow_switched_off' },
    );
  }
  return definition;
}
