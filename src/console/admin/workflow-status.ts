/**
 * The admin workflows view: each workflow this deployment loaded, whether an admin switched it off
 * (src/workflows/workflow-switches.ts, read by every runner before it starts a run) and its last runs.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';
import type { WorkflowSource } from '../../workflows/workflow-source.js';
import { disabledWorkflows, setWorkflowEnabled } from '../../workflows/workflow-switches.js';
import { ConsoleError } from '../console-error.js';
import { type RunView, recentRunsByWorkflow } from './run-history.js';

/** The names every run goes under (a sponsor relay copy per staff contact included), as loaded now. */
export async function loadedWorkflowNames(workflows: WorkflowSource): Promise<string[]> {
  return (await workflows.current()).map((w) => w.name);
}

/** How many runs the workflows page and API show per workflow. */
export const RECENT_RUNS_PER_WORKFLOW = 20;

export interface WorkflowStatus {
  name: string;
  enabled: boolean;
  recentRuns: RunView[];
}

export async function listWorkflowStatus(
  db: Kysely<Database>,
  workflowNames: readonly string[],
): Promise<WorkflowStatus[]> {
  const disabled = await disabledWorkflows(db);
  const runs = await recentRunsByWorkflow(db, workflowNames, RECENT_RUNS_PER_WORKFLOW);
  return workflowNames.map((name) => ({ name, enabled: !disabled.has(name), recentRuns: runs.get(name) ?? [] }));
}

/** Switches a loaded workflow on or off; a name this deployment did not load is a 404. */
export async function switchWorkflow(
  db: Kysely<Database>,
  workflowNames: readonly string[],
  change: { name: string; enabled: boolean; now: number },
): Promise<{ name: string; enabled: boolean }> {
  if (!workflowNames.includes(change.name)) {
    throw new ConsoleError('not_found', `no workflow named ${change.name} is loaded`, { field: 'name' });
  }
  await setWorkflowEnabled(db, change.name, change.enabled, change.now);
  return { name: change.name, enabled: change.enabled };
}
