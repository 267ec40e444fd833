/**
 * The sandbox workflow engine's memory: workflows that use a Marketplace app's trigger, and what
 * happened when the app fired them (executions, with the custom actions each one ran). In memory like
 * the rest of the sandbox; a long-running sandbox keeps only the most recent executions per workflow.
 */

/** One filter as HighLevel's builder sends it in `triggerData.filters` (field, operator, value, …). */
export type TriggerFilter = Record<string, unknown> & { field: string };

export interface WorkflowAction {
  /** The custom action's key in the app, e.g. `parley_lookup_attendee`. */
  key: string;
  /** The action's inputs as the workflow's author filled them; `{{dot.path}}` reads the trigger payload. */
  data: Record<string, unknown>;
}

export interface SandboxWorkflow {
  workflowId: string;
  triggerId: string;
  triggerKey: string;
  locationId: string;
  companyId: string;
  filters: TriggerFilter[];
  actions: WorkflowAction[];
  createdAt: number;
  updatedAt: number;
}

export interface ActionCall {
  key: string;
  at: number;
  url: string | null;
  /** The exact body the sandbox POSTed: `{ data, extras, meta }`. */
  request: { data: Record<string, unknown>; extras: Record<string, unknown>; meta: { key: string; version: string } };
  status: number | null;
  response: unknown;
  branchId: string | null;
  error: string | null;
}

export interface WorkflowExecution {
  executionId: string;
  workflowId: string;
  triggerId: string;
  at: number;
  /** The payload the app POSTed to targetUrl. */
  body: unknown;
  /** The app's request headers, with credentials redacted. */
  headers: Record<string, string>;
  actions: ActionCall[];
}

const MAX_EXECUTIONS_PER_WORKFLOW = 1_000;

export interface WorkflowStore {
  add(workflow: SandboxWorkflow): void;
  get(workflowId: string): SandboxWorkflow | undefined;
  byTrigger(triggerId: string): SandboxWorkflow | undefined;
  list(): SandboxWorkflow[];
  remove(workflowId: string): void;
  /** Whether the workflow exists or existed (deleted workflows keep their executions). */
  known(workflowId: string): boolean;
  record(execution: WorkflowExecution): void;
  executions(workflowId: string): WorkflowExecution[];
}

export function createWorkflowStore(): WorkflowStore {
  const workflows = new Map<string, SandboxWorkflow>();
  const triggers = new Map<string, string>();
  const executions = new Map<string, WorkflowExecution[]>();
  const removed = new Set<string>();
  return {
    add(workflow) {
      workflows.set(workflow.workflowId, workflow);
      triggers.set(workflow.triggerId, workflow.workflowId);
    },
    get: (workflowId) => workflows.get(workflowId),
    byTrigger(triggerId) {
      const workflowId = triggers.get(triggerId);
      return workflowId === undefined ? undefined : workflows.get(workflowId);
    },
    list: () => [...workflows.values()],
    remove(workflowId) {
      const workflow = workflows.get(workflowId);
      if (!workflow) return;
      workflows.delete(workflowId);
      triggers.delete(workflow.triggerId);
      removed.add(workflowId);
      // The executions stay readable after DELETE, so a test can show that none arrived afterwards.
    },
    known: (workflowId) => workflows.has(workflowId) || removed.has(workflowId),
    record(execution) {
      const list = executions.get(execution.workflowId) ?? [];
      list.push(execution);
      if (list.length > MAX_EXECUTIONS_PER_WORKFLOW) list.shift();
      executions.set(execution.workflowId, list);
    },
    executions: (workflowId) => executions.get(workflowId) ?? [],
  };
}
