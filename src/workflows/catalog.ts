/**
 * The operations catalog (DESIGN C11): every trigger and every action with the HighLevel scopes it
 * needs and whether it is unsafe (an effect HighLevel cannot deduplicate, guarded before a retry).
 * Scopes come from the operation catalog generated from HighLevel's spec, the same source the scope
 * planner (scope-planner.ts) uses, so the two cannot disagree.
 */
import { ACTIONS, getAction } from './actions/action-registry.js';
import type { WorkflowDefinition } from './definition-schema.js';
import { TRIGGER_NAMES, TRIGGERS } from './triggers.js';

export interface CatalogTrigger {
  name: string;
  description: string;
  source: string;
  fields: string[];
  scopes: string[];
  lane: string;
}

export interface CatalogAction {
  name: string;
  description: string;
  scopes: string[];
  unsafe: boolean;
  /** Whether an interrupted attempt is checked for its effect before the step runs again (DESIGN D6). */
  guarded: boolean;
  operations: string[];
  /** Null when the action takes any keys. */
  inputs: { name: string; required: boolean; place: string; defaulted: boolean }[] | null;
}

export interface Catalog {
  triggers: CatalogTrigger[];
  actions: CatalogAction[];
}

export function buildCatalog(): Catalog {
  return {
    triggers: TRIGGER_NAMES.map((name) => {
      const spec = TRIGGERS[name];
      return {
        name,
        description: spec.description,
        source: spec.source,
        fields: [...spec.fields],
        scopes: [...spec.scopes],
        lane: spec.lane,
      };
    }),
    actions: ACTIONS.map((action) => ({
      name: action.name,
      description: action.description,
      scopes: [...action.scopes],
      unsafe: action.unsafe,
      guarded: action.findPriorEffect !== undefined,
      operations: [...action.operations],
      inputs:
        action.inputs?.map((input) => ({
          name: input.name,
          required: input.required,
          place: input.place,
          defaulted: input.defaulted ?? false,
        })) ?? null,
    })),
  };
}

/** The scopes a workflow needs: its trigger's and every step action's, sorted. */
export function workflowScopes(definition: WorkflowDefinition): string[] {
  const scopes = new Set<string>(TRIGGERS[definition.trigger].scopes);
  for (const step of definition.steps) for (const scope of getAction(step.action)?.scopes ?? []) scopes.add(scope);
  return [...scopes].sort();
}

/** The queue lane a workflow's runs use: its own `lane`, else its trigger's default. */
export function workflowLane(definition: WorkflowDefinition) {
  return definition.lane ?? TRIGGERS[definition.trigger].lane;
}
