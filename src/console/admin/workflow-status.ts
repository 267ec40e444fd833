/**
 * The admin workflows view: each workflow this deployment loaded, whether an admin switched it off
 * (src/workflows/workflow-switches.ts, read by every runner before it starts a run), its last runs,
 * when it last started one and how many of its runs failed in the last day.
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

const DAY_MS = 24 * 60 * 60 * 1000;

export interface WorkflowStatus {
  name: string;
  enabled: boolean;
  /** When its newest run started (epoch ms); null before its first run. */
  lastRunAt: number | null;
  /** Its runs that started in the last 24 hours and are failed now. */
  failures24h: number;
  recentRuns: RunView[];
}

export async function listWorkflowStatus(
  db: Kysely<Database>,
  workflowNames: readonly string[],
  now: number,
): Promise<WorkflowStatus[]> {
  const disabled = await disabledWorkflows(db);
  const runs = await recentRunsByWorkflow(db, workflowNames, RECENT_RUNS_PER_WORKFLOW);
  const failures = await failuresSince(db, workflowNames, now - DAY_MS);
  return workflowNames.map((name) => {
    const recentRuns = runs.get(name) ?? [];
    return {
      name,
      enabled: !disabled.has(name),
      // Runs are listed newest first.
      lastRunAt: recentRuns[0]?.startedAt ?? null,
      failures24h: failures.get(name) ?? 0,
      recentRuns,
    };
  });
}

async function failuresSince(
  db: Kysely<Database>,
  workflowNames: readonly string[],
  since: number,
): Promise<Map<string, number>> {
  if (workflowNames.length === 0) return new Map();
  const rows = await db
    .selectFrom('workflow_runs')
    .select((eb) => ['workflow', eb.fn.countAll<number | string>().as('failed')])
    .where('status', '=', 'failed')
    .where('started_at', '>=', since)
    .where('workflow', 'in', [...workflowNames])
    .groupBy('workflow')
    .execute();
  return new Map(rows.map((row) => [row.workflow, Number(row.failed)]));
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
