/**
 * The sandbox plays HighLevel's workflow engine for a Marketplace app's triggers and custom actions,
 * since HighLevel has no test facility for them ("There is no synthetic `triggers test` command",
 * https://github.com/GoHighLevel/marketplace-cli, src/lib/workflows/triggers/guide.ts):
 *
 * - adding, changing or removing a workflow POSTs `CREATED`, `UPDATED` or `DELETED` to the app's
 *   subscription URL with the body of https://marketplace.gohighlevel.com/docs/marketplace-modules/CustomTriggers;
 * - the app fires by POSTing to the workflow's `targetUrl` (workflow-execute.ts), which records the
 *   execution and then runs the workflow's custom actions;
 * - a custom action is a POST of `{ data, extras, meta }` to the app's action URL, whose `branchId`
 *   picks the branch (https://marketplace.gohighlevel.com/docs/marketplace-modules/CustomActions).
 */
import type { Logger } from '../../lib/create-logger.js';
import { type AppAnswer, postToApp } from './app-calls.js';
import type { MarketplaceAppSettings } from './marketplace-app.js';
import { SandboxError } from './sandbox-errors.js';
import type {
  ActionCall,
  SandboxWorkflow,
  TriggerFilter,
  WorkflowAction,
  WorkflowExecution,
  WorkflowStore,
} from './state/workflow-store.js';

/** The version HighLevel sends in `meta` for a trigger or action with one published version. */
export const MODULE_VERSION = '1.0';
/** HighLevel's rule for trigger and action keys: lowercase letters, digits and underscores, a letter first. */
const MODULE_KEY = /^[a-z][a-z0-9_]*$/;
/** The path HighLevel's targetUrl has (CustomTriggers): the sandbox serves the same one. */
export const EXECUTE_PATH = '/workflows-marketplace/triggers/execute';

export interface WorkflowEngineDeps {
  store: WorkflowStore;
  app: () => MarketplaceAppSettings;
  fetch: typeof fetch;
  now: () => number;
  newId: () => string;
  companyId: string;
  hasLocation: (locationId: string) => boolean;
  /** The sandbox's base URL; targetUrl is built on it. */
  baseUrl: () => string;
  logger: Logger;
}

export type EngineResult<T> = { ok: true; value: T } | { ok: false; status: number; body: Record<string, unknown> };

export interface CreateWorkflowInput {
  locationId: string;
  triggerKey: string;
  filters?: unknown;
  actions?: unknown;
}

export interface WorkflowEngine {
  create(input: CreateWorkflowInput): Promise<EngineResult<{ workflowId: string; triggerId: string }>>;
  update(workflowId: string, input: { filters?: unknown; actions?: unknown }): Promise<EngineResult<SandboxWorkflow>>;
  /**
   * Deletes the workflow, telling the app with DELETED unless `notify` is false: a DELETED that never
   * reached the app (it was down), so its next firing meets the 404 of a removed trigger.
   */
  remove(
    workflowId: string,
    options?: { notify?: boolean },
  ): Promise<EngineResult<{ workflowId: string; appAnswer: AppAnswer | null }>>;
  list(): SandboxWorkflow[];
  get(workflowId: string): SandboxWorkflow;
  /** The live workflow whose trigger is `triggerId` at `locationId`; undefined once deleted. */
  byTrigger(locationId: string, triggerId: string): SandboxWorkflow | undefined;
  executions(workflowId: string): WorkflowExecution[];
  /** Records an execution of the workflow behind `triggerId` and runs its actions in the background. */
  execute(workflow: SandboxWorkflow, body: unknown, headers: Record<string, string>): WorkflowExecution;
  runAction(
    workflowId: string,
    input: { contactId?: unknown; actionKey?: unknown; data?: unknown },
  ): Promise<ActionCall>;
  /** Resolves once every action started by an execution has its answer. */
  flush(): Promise<void>;
  targetUrl(workflow: SandboxWorkflow): string;
}

function invalid(message: string): never {
  throw new SandboxError('invalid_option', message);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function checkFilters(filters: unknown): TriggerFilter[] {
  if (filters === undefined) return [];
  if (!Array.isArray(filters)) invalid('filters must be an array of { field, operator?, value } objects');
  return filters.map((filter, i) => {
    if (!isRecord(filter) || typeof filter['field'] !== 'string' || filter['field'] === '') {
      invalid(`filters[${i}] must be an object with a non-empty string field`);
    }
    // The builder's shape: `id` repeats the field and `operator` defaults to equality (CustomTriggers).
    return { id: filter['field'], operator: '==', ...filter, field: filter['field'] };
  });
}

export function checkActions(actions: unknown): WorkflowAction[] {
  if (actions === undefined) return [];
  if (!Array.isArray(actions)) invalid('actions must be an array of { key, data } objects');
  return actions.map((action, i) => {
    if (!isRecord(action) || typeof action['key'] !== 'string' || !MODULE_KEY.test(action['key'])) {
      invalid(`actions[${i}].key must be an action key (lowercase letters, digits, underscores)`);
    }
    const data = action['data'] ?? {};
    if (!isRecord(data)) invalid(`actions[${i}].data must be an object`);
    return { key: action['key'], data };
  });
}

/** `{{dot.path}}` in an action's data reads the trigger payload, as custom variables do in the builder. */
export function fillFromPayload(data: Record<string, unknown>, payload: unknown): Record<string, unknown> {
  const read = (path: string) =>
    path.split('.').reduce<unknown>((value, part) => (isRecord(value) ? value[part] : undefined), payload);
  const fill = (value: unknown): unknown => {
    if (typeof value === 'string') {
      const whole = /^\{\{\s*([\w.]+)\s*\}\}$/.exec(value);
      if (whole?.[1]) return read(whole[1]) ?? null;
      return value.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_m, path: string) => String(read(path) ?? ''));
    }
    if (Array.isArray(value)) return value.map(fill);
    if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v)]));
    return value;
  };
  return fill(data) as Record<string, unknown>;
}

/** The contact a trigger payload names, where parley's sample data puts it. */
function contactOf(payload: unknown): string | null {
  if (!isRecord(payload)) return null;
  if (typeof payload['contactId'] === 'string') return payload['contactId'];
  const contact = payload['contact'];
  return isRecord(contact) && typeof contact['id'] === 'string' ? contact['id'] : null;
}

function refused(answer: AppAnswer, what: string): { ok: false; status: number; body: Record<string, unknown> } {
  const reason = answer.status === null ? `no answer (${answer.error})` : `HTTP ${answer.status}`;
  return {
    ok: false,
    status: 502,
    body: {
      statusCode: 502,
      message: `The app refused the ${what} subscription: ${reason}`,
      app: { status: answer.status, body: answer.body },
    },
  };
}

export function createWorkflowEngine(deps: WorkflowEngineDeps): WorkflowEngine {
  const { store, now, newId, logger } = deps;
  const inflight = new Set<Promise<unknown>>();

  const targetUrl = (workflow: SandboxWorkflow) =>
    `${deps.baseUrl()}${EXECUTE_PATH}/${encodeURIComponent(workflow.locationId)}/${encodeURIComponent(workflow.triggerId)}`;

  function get(workflowId: string): SandboxWorkflow {
    const workflow = store.get(workflowId);
    if (!workflow) throw new SandboxError('unknown_workflow', `No sandbox workflow ${workflowId}`);
    return workflow;
  }

  async function subscribe(workflow: SandboxWorkflow, eventType: 'CREATED' | 'UPDATED' | 'DELETED') {
    const url = deps.app().subscriptionUrl;
    if (url === null) {
      const error = 'no subscription URL is configured for the marketplace app (POST /sandbox/marketplace-app)';
      return { status: null, body: null, error } satisfies AppAnswer;
    }
    const body = {
      triggerData: {
        id: workflow.triggerId,
        key: workflow.triggerKey,
        filters: workflow.filters,
        eventType,
        targetUrl: targetUrl(workflow),
      },
      meta: { key: workflow.triggerKey, version: MODULE_VERSION },
      extras: { locationId: workflow.locationId, workflowId: workflow.workflowId, companyId: workflow.companyId },
    };
    const answer = await postToApp(deps.fetch, url, deps.app().headers, body);
    if (answer.status === null || answer.status >= 300) {
      logger.warn({ workflowId: workflow.workflowId, eventType, status: answer.status }, 'app refused a subscription');
    }
    return answer;
  }

  async function callAction(
    workflow: SandboxWorkflow,
    action: WorkflowAction,
    contactId: string | null,
  ): Promise<ActionCall> {
    const url = deps.app().actionUrls[action.key] ?? null;
    const request = {
      data: action.data,
      extras: { locationId: workflow.locationId, contactId, workflowId: workflow.workflowId },
      meta: { key: action.key, version: MODULE_VERSION },
    };
    const call: ActionCall = {
      key: action.key,
      at: now(),
      url,
      request,
      status: null,
      response: null,
      branchId: null,
      error: null,
    };
    if (url === null) {
      call.error = `no URL is configured for action ${action.key} (POST /sandbox/marketplace-app)`;
      return call;
    }
    const answer = await postToApp(deps.fetch, url, deps.app().headers, request);
    call.status = answer.status;
    call.response = answer.body;
    call.error = answer.error ?? (answer.status !== null && answer.status >= 300 ? `HTTP ${answer.status}` : null);
    const branchId = isRecord(answer.body) ? answer.body['branchId'] : undefined;
    call.branchId = typeof branchId === 'string' ? branchId : null;
    return call;
  }

  async function runActions(workflow: SandboxWorkflow, execution: WorkflowExecution): Promise<void> {
    const contactId = contactOf(execution.body);
    for (const action of workflow.actions) {
      const call = await callAction(
        workflow,
        { key: action.key, data: fillFromPayload(action.data, execution.body) },
        contactId,
      );
      execution.actions.push(call);
      // HighLevel's failed webhook actions are "Failed (and then skipped)"; later steps still run.
    }
  }

  return {
    async create(input) {
      if (!isRecord(input)) invalid('body must be a JSON object');
      const { locationId, triggerKey } = input;
      if (typeof locationId !== 'string' || !deps.hasLocation(locationId)) {
        throw new SandboxError(
          'unknown_location',
          `locationId ${JSON.stringify(locationId)} is not a sandbox location`,
        );
      }
      if (typeof triggerKey !== 'string' || !MODULE_KEY.test(triggerKey)) {
        invalid('triggerKey must be a trigger key (lowercase letters, digits, underscores, a letter first)');
      }
      for (const key of Object.keys(input)) {
        if (!['locationId', 'triggerKey', 'filters', 'actions'].includes(key))
          invalid(`a workflow has no field ${key}; expected locationId, triggerKey, filters, actions`);
      }
      const at = now();
      const workflow: SandboxWorkflow = {
        workflowId: newId(),
        triggerId: newId(),
        triggerKey,
        locationId,
        companyId: deps.companyId,
        filters: checkFilters(input.filters),
        actions: checkActions(input.actions),
        createdAt: at,
        updatedAt: at,
      };
      const answer = await subscribe(workflow, 'CREATED');
      if (answer.status === null || answer.status >= 300) return refused(answer, 'CREATED');
      store.add(workflow);
      return { ok: true, value: { workflowId: workflow.workflowId, triggerId: workflow.triggerId } };
    },

    async update(workflowId, input) {
      const current = get(workflowId);
      if (!isRecord(input)) invalid('body must be a JSON object');
      for (const key of Object.keys(input)) {
        if (!['filters', 'actions'].includes(key))
          invalid(`a workflow update has no field ${key}; expected filters, actions`);
      }
      const next: SandboxWorkflow = {
        ...current,
        filters: input.filters === undefined ? current.filters : checkFilters(input.filters),
        actions: input.actions === undefined ? current.actions : checkActions(input.actions),
        updatedAt: now(),
      };
      // Only a trigger change concerns the app; actions are the workflow's own business.
      if (input.filters !== undefined) {
        const answer = await subscribe(next, 'UPDATED');
        if (answer.status === null || answer.status >= 300) return refused(answer, 'UPDATED');
      }
      store.add(next);
      return { ok: true, value: next };
    },

    async remove(workflowId, options = {}) {
      const workflow = get(workflowId);
      // HighLevel removes the workflow whatever the app answers; the answer is shown, not acted on.
      const answer = options.notify === false ? null : await subscribe(workflow, 'DELETED');
      store.remove(workflowId);
      return { ok: true, value: { workflowId, appAnswer: answer } };
    },

    list: () => store.list(),
    get,
    byTrigger(locationId, triggerId) {
      const workflow = store.byTrigger(triggerId);
      return workflow?.locationId === locationId ? workflow : undefined;
    },
    executions(workflowId) {
      if (!store.known(workflowId)) get(workflowId);
      return store.executions(workflowId);
    },

    execute(workflow, body, headers) {
      const execution: WorkflowExecution = {
        executionId: newId(),
        workflowId: workflow.workflowId,
        triggerId: workflow.triggerId,
        at: now(),
        body,
        headers,
        actions: [],
      };
      store.record(execution);
      if (workflow.actions.length > 0) {
        const running = runActions(workflow, execution)
          .catch((error) =>
            logger.error({ err: error, workflowId: workflow.workflowId }, 'sandbox workflow actions failed'),
          )
          .finally(() => inflight.delete(running));
        inflight.add(running);
      }
      return execution;
    },

    async runAction(workflowId, input) {
      const workflow = get(workflowId);
      if (!isRecord(input)) invalid('body must be a JSON object');
      const { actionKey, contactId } = input;
      if (typeof actionKey !== 'string' || !MODULE_KEY.test(actionKey)) {
        invalid('actionKey must be an action key (lowercase letters, digits, underscores)');
      }
      if (contactId !== undefined && contactId !== null && typeof contactId !== 'string') {
        invalid('contactId must be a string');
      }
      const data = input.data ?? {};
      if (!isRecord(data)) invalid('data must be an object');
      return callAction(workflow, { key: actionKey, data }, (contactId as string | null | undefined) ?? null);
    },

    async flush() {
      while (inflight.size > 0) await Promise.all([...inflight]);
    },
    targetUrl,
  };
}
