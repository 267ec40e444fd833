/**
 * What a piece of parley needs from HighLevel, as (scope, operation or event) pairs: a workflow (its
 * trigger's events and delivering code, and every step's action with the operations it calls, guards
 * included), a code path outside workflows, a feature. Operation scopes come from the operation
 * catalog (HighLevel's spec); an action may also declare scopes of calls the catalog does not
 * describe. The scope planner and the operations catalog both read these, so they cannot disagree.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { KNOWN_OPERATIONS } from '../highlevel/operation-catalog.js';
import { WEBHOOK_EVENT_SCOPES } from '../highlevel/webhook-event-scopes.js';
import { createTemplateEngine } from '../lib/template-engine.js';
import { getAction } from '../workflows/actions/action-registry.js';
import type { WorkflowDefinition } from '../workflows/definition-schema.js';
import { parseWorkflowSource } from '../workflows/load-workflows.js';
import type { TriggerName } from '../workflows/triggers.js';
import { WorkflowError } from '../workflows/workflow-error.js';
import { BUILTIN_WORKFLOWS_DIR, FEATURE_WORKFLOWS } from './enabled-workflows.js';
import type { FeatureName } from './feature-names.js';
import { CODE_PATHS, type CodePathName, FEATURES, TRIGGER_SOURCES } from './feature-operations.js';

/** One reason for one scope: the operation that needs it, or the webhook event it delivers. */
export type ScopeNeed =
  | { scope: string; operation: string; event?: never }
  | { scope: string; event: string; operation?: never };

const OPERATION_SCOPES = new Map(KNOWN_OPERATIONS.map((op) => [op.operationId, op.scopes]));

export function operationNeeds(operationIds: readonly string[]): ScopeNeed[] {
  return operationIds.flatMap((operation) =>
    (OPERATION_SCOPES.get(operation) ?? []).map((scope) => ({ scope, operation })),
  );
}

export function codePathNeeds(name: CodePathName): ScopeNeed[] {
  return operationNeeds(CODE_PATHS[name]);
}

/** Receiving the trigger: its webhook events, and what the job that delivers it calls. */
export function triggerNeeds(trigger: TriggerName): ScopeNeed[] {
  const source = TRIGGER_SOURCES[trigger];
  if (!source) return [];
  return [
    ...source.events.map((event) => ({ scope: WEBHOOK_EVENT_SCOPES[event], event })),
    ...source.codePaths.flatMap(codePathNeeds),
  ];
}

/** A step action's operations; a scope it declares that none of them gives is needed under the action's name. */
export function actionNeeds(actionName: string): ScopeNeed[] {
  const action = getAction(actionName);
  if (!action) return [];
  const needs = operationNeeds(action.operations);
  const covered = new Set(needs.map((need) => need.scope));
  for (const scope of action.scopes) if (!covered.has(scope)) needs.push({ scope, operation: action.name });
  return needs;
}

export function workflowNeeds(definition: WorkflowDefinition): ScopeNeed[] {
  return [...triggerNeeds(definition.trigger), ...definition.steps.flatMap((step) => actionNeeds(step.action))];
}

/** Sorted, without duplicates. */
export function scopesOf(needs: readonly ScopeNeed[]): string[] {
  return [...new Set(needs.map((need) => need.scope))].sort();
}

let builtins: Map<string, WorkflowDefinition> | null = null;

/**
 * The built-in workflow definitions by name, read once and synchronously: the planner answers inside
 * request handlers and commands that cannot wait on a loader. A broken built-in is a bug, so it throws.
 */
export function builtinWorkflows(): ReadonlyMap<string, WorkflowDefinition> {
  if (builtins) return builtins;
  const engine = createTemplateEngine();
  const found = new Map<string, WorkflowDefinition>();
  for (const name of readdirSync(BUILTIN_WORKFLOWS_DIR)
    .filter((n) => /\.ya?ml$/i.test(n))
    .sort()) {
    const file = join(BUILTIN_WORKFLOWS_DIR, name);
    const parsed = parseWorkflowSource(readFileSync(file, 'utf8'), file, engine);
    if (parsed.issues.length > 0) {
      const first = parsed.issues[0]!;
      throw new WorkflowError('invalid_workflow', `built-in ${first.file}:${first.line}:${first.col} ${first.message}`);
    }
    for (const workflow of parsed.workflows) found.set(workflow.definition.name, workflow.definition);
  }
  builtins = found;
  return found;
}

/** The built-in workflows a feature switches on. */
export function featureWorkflows(feature: FeatureName): WorkflowDefinition[] {
  return (FEATURE_WORKFLOWS[feature] ?? []).map((name) => {
    const definition = builtinWorkflows().get(name);
    if (!definition) {
      throw new WorkflowError(
        'workflow_not_found',
        `feature ${feature} names built-in workflow ${name}, which is missing`,
      );
    }
    return definition;
  });
}

/** Everything a feature calls or consumes: its built-in workflows, its code paths and its events. */
export function featureNeeds(feature: FeatureName, skip: ReadonlySet<string> = new Set()): ScopeNeed[] {
  const spec = FEATURES[feature];
  return [
    ...featureWorkflows(feature)
      .filter((definition) => !skip.has(definition.name))
      .flatMap(workflowNeeds),
    ...spec.codePaths.flatMap(codePathNeeds),
    ...spec.events.map((event) => ({ scope: WEBHOOK_EVENT_SCOPES[event], event })),
    ...(spec.appScopes ?? []),
  ];
}
