/**
 * The pipeline's job handlers by kind: the kinds intake enqueues (src/intake) mapped to the handlers
 * that run their workflows, and the console's retry of a failed run. One shared template engine, so
 * compiled templates are reused across runs.
 */
import { ACCELEVENTS_EVENT_JOB } from '../intake/accelevents-webhook-route.js';
import { HIGHLEVEL_EVENT_JOB } from '../intake/highlevel/highlevel-events.js';
import type { JobHandler } from '../queue/types.js';
import { type AcceleventsEventHandlerDeps, acceleventsEventHandler } from './handlers/accelevents-event-handler.js';
import { type HighLevelEventHandlerDeps, highLevelEventHandler } from './handlers/highlevel-event-handler.js';
import { WORKFLOW_RETRY_JOB, workflowRetryHandler } from './handlers/workflow-retry-handler.js';
import { PipelineError } from './job-error.js';

export type PipelineHandlerDeps = AcceleventsEventHandlerDeps & HighLevelEventHandlerDeps;

export function createPipelineHandlers(deps: PipelineHandlerDeps): Record<string, JobHandler> {
  for (const name of ['db', 'highlevel', 'workflows', 'logger', 'engine', 'locations'] as const) {
    if (!deps?.[name])
      throw new PipelineError('missing_dependency', `createPipelineHandlers: deps.${name} is required`);
  }
  return {
    [ACCELEVENTS_EVENT_JOB]: acceleventsEventHandler(deps),
    [HIGHLEVEL_EVENT_JOB]: highLevelEventHandler(deps),
    [WORKFLOW_RETRY_JOB]: workflowRetryHandler(deps),
  };
}
