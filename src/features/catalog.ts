/**
 * The operations catalog: every trigger and every action with the HighLevel scopes it needs and
 * whether it is unsafe (an effect HighLevel cannot deduplicate, guarded before a retry). Scopes come
 * from scope-needs.ts, the same derivation the scope planner (scope-planner.ts) uses, so `parley
 * catalog`, `parley workflows list` and `parley scopes` cannot disagree. The workflow studio reads it
 * through `GET /api/catalog`: each trigger with sample events (trigger-samples.ts), each action with a
 * short title, the JSON Schema of its inputs (action-input-schemas.ts) and the keys of its output
 * (action-outputs.ts).
 */
import { CONVERSATION_OPERATIONS } from '../highlevel/generated/operations.js';
import { ACTIONS } from '../workflows/actions/action-registry.js';
import type { ActionSpec } from '../workflows/actions/action-types.js';
import { HIGHLEVEL_ACTION_PREFIX } from '../workflows/actions/highlevel-actions.js';
import type { WorkflowDefinition } from '../workflows/definition-schema.js';
import { TRIGGER_SAMPLES, type TriggerSample } from '../workflows/trigger-samples.js';
import { TRIGGER_NAMES, TRIGGERS } from '../workflows/triggers.js';
import { actionInputSchema, type JsonSchema } from './action-input-schemas.js';
import { actionOutputs } from './action-outputs.js';
import { actionNeeds, scopesOf, triggerNeeds, workflowNeeds } from './scope-needs.js';

export interface CatalogTrigger {
  name: string;
  description: string;
  source: string;
  fields: string[];
  scopes: string[];
  lane: string;
  /** Sample events, `data` as a run's template scope gets it; the first is the one the built-ins render with. */
  samples: TriggerSample[];
}

export interface CatalogAction {
  name: string;
  /** A few words for a list or a step card: "Send a new message". */
  title: string;
  description: string;
  scopes: string[];
  unsafe: boolean;
  /** Whether an interrupted attempt is checked for its effect before the step runs again (message-guard.ts). */
  guarded: boolean;
  operations: string[];
  /** Null when the action takes any keys. */
  inputs: { name: string; required: boolean; place: string; defaulted: boolean }[] | null;
  /** JSON Schema (draft-07) of the step's `with`. */
  inputSchema: JsonSchema;
  /** The top-level keys of what the step returns, which later steps read as `steps.<id>.<key>` (action-outputs.ts). */
  outputs: string[];
}

export interface Catalog {
  triggers: CatalogTrigger[];
  actions: CatalogAction[];
}

/** Titles of parley's own actions; a HighLevel action's is its operation's summary in the spec. */
const OWN_TITLES: Readonly<Record<string, string>> = {
  'contacts.upsert': 'Create or update contact',
  'contacts.add-tags': 'Add tags to contact',
  'conversations.find-or-create': "Find or create the contact's conversation",
  'links.save': 'Save attendee links',
  'preferences.save': 'Save a preference',
  'preferences.ask': 'Record the preference question',
  'preferences.answer': 'Read a preference answer',
};

const SUMMARIES = new Map<string, string>(CONVERSATION_OPERATIONS.map((op) => [op.operationId, op.summary]));

function titleOf(action: ActionSpec): string {
  const own = OWN_TITLES[action.name];
  if (own !== undefined) return own;
  const summary = action.name.startsWith(HIGHLEVEL_ACTION_PREFIX)
    ? SUMMARIES.get(action.name.slice(HIGHLEVEL_ACTION_PREFIX.length))
    : undefined;
  // Some summaries end with a full stop ("Cancel a scheduled message."); a title does not.
  return summary?.replace(/\.$/, '') ?? action.name;
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
        samples: structuredClone([...TRIGGER_SAMPLES[name]]),
      };
    }),
    actions: ACTIONS.map((action) => ({
      name: action.name,
      title: titleOf(action),
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
      inputSchema: actionInputSchema(action),
      outputs: actionOutputs(action),
    })),
  };
}

/** The scopes a workflow needs: its trigger's (with the job that delivers it) and every step action's, sorted. */
export function workflowScopes(definition: WorkflowDefinition): string[] {
  return scopesOf(workflowNeeds(definition));
}
