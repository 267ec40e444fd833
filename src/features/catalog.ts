/**
 * The operations catalog: every trigger and every action with the HighLevel scopes it needs and
 * whether it is unsafe (an effect HighLevel cannot deduplicate, guarded before a retry). Scopes come
 * from scope-needs.ts, the same derivation the scope planner (scope-planner.ts) uses, so `parley
 * catalog`, `parley workflows list` and `parley scopes` cannot disagree.
 */
import { ACTIONS } from '../workflows/actions/action-registry.js';
import type { WorkflowDefinition } from '../workflows/definition-schema.js';
import { TRIGGER_NAMES, TRIGGERS } from '../workflows/triggers.js';
import { actionNeeds, scopesOf, triggerNeeds, workflowNeeds } from './scope-needs.js';

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
  /** Whether an interrupted attempt is checked for its effect before the step runs again (message-guard.ts). */
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
        // The webhook's scope and what the job delivering it calls (get-contact for inbound messages).
        scopes: scopesOf(triggerNeeds(name)),
        lane: spec.lane,
      };
    }),
    actions: ACTIONS.map((action) => ({
      name: action.name,
      description: action.description,
      scopes: scopesOf(actionNeeds(action.name)),
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

/** The scopes a workflow needs: its trigger's (with the job that delivers it) and every step action's, sorted. */
export function workflowScopes(definition: WorkflowDefinition): string[] {
  return scopesOf(workflowNeeds(definition));
}
