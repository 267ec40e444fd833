/**
 * Where a runner gets its workflows: a fixed list (tests, `parley simulate`), or a source that can
 * change while the process runs (src/features/live-workflows.ts: workflows edited in the console).
 * Runners ask for the current list once per event, so an edit applies to the next event.
 */
import type { VersionedWorkflow } from './definition-schema.js';

export interface WorkflowSource {
  current(): Promise<readonly VersionedWorkflow[]>;
}

export type Workflows = readonly VersionedWorkflow[] | WorkflowSource;

export async function currentWorkflows(workflows: Workflows): Promise<readonly VersionedWorkflow[]> {
  return isSource(workflows) ? workflows.current() : workflows;
}

function isSource(workflows: Workflows): workflows is WorkflowSource {
  return !Array.isArray(workflows);
}
