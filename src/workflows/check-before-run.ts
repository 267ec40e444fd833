/**
 * A run that cannot complete should fail before it acts: a welcome sent and then a run that dies on
 * an empty `links.save` input leaves an attendee welcomed with no record of it. Before the first
 * step, every required input that can be known up front (its template reads no step output, see
 * known-before-run.ts) is rendered and checked, for each step still to run whose `if` is known to
 * hold. Inputs that read earlier steps' outputs are checked when their step runs (run-step.ts).
 */

import type { TemplateEngine, TemplateScope } from '../lib/template-engine.js';
import { getAction } from './actions/action-registry.js';
import type { ActionInputSpec, ActionSpec } from './actions/action-types.js';
import type { StepDefinition, WorkflowDefinition } from './definition-schema.js';
import { knownBeforeRun } from './known-before-run.js';
import type { StepRow } from './run-journal.js';
import { rendering } from './run-step.js';
import { checkRequiredInputs, requiredInputsOf } from './step-inputs.js';
import { WorkflowError } from './workflow-error.js';

export interface CheckBeforeRunInput {
  definition: WorkflowDefinition;
  /** The run's journaled steps: a completed step is not checked again. */
  rows: ReadonlyMap<string, StepRow>;
  /** The run's scope before any step (`steps` empty). */
  scope: TemplateScope;
  engine: TemplateEngine;
}

/** What can be checked of one step, worked out once per definition (the same for every run). */
interface StepPlan {
  step: StepDefinition;
  action: ActionSpec | undefined;
  /** Null when the step has no `if`; false when its `if` reads step outputs (then nothing is checked). */
  conditionKnown: boolean | null;
  specs: ActionInputSpec[];
}

const plans = new WeakMap<WorkflowDefinition, StepPlan[]>();

function planOf(definition: WorkflowDefinition, engine: TemplateEngine): StepPlan[] {
  let plan = plans.get(definition);
  if (plan) return plan;
  const known = knownBeforeRun(engine, definition.templates);
  plan = definition.steps.map((step) => {
    const action = getAction(step.action);
    const specs = action
      ? requiredInputsOf(action).filter(
          (spec) => step.with?.[spec.name] !== undefined && known.template(step.with[spec.name]),
        )
      : [];
    return { step, action, conditionKnown: step.if === undefined ? null : known.condition(step.if), specs };
  });
  plans.set(definition, plan);
  return plan;
}

/** Throws the WorkflowError (not retryable) the first step that cannot run would throw. */
export function checkBeforeRun({ definition, rows, scope, engine }: CheckBeforeRunInput): void {
  const templates = definition.templates;
  for (const { step, action, conditionKnown, specs } of planOf(definition, engine)) {
    if (rows.get(step.id)?.status === 'completed') continue;
    if (!action) {
      throw new WorkflowError('unknown_action', `unknown action "${step.action}" (see \`parley catalog\`)`, {
        stepId: step.id,
      });
    }
    const condition = step.if;
    if (condition !== undefined) {
      // A step that may be skipped cannot stop the run; only one known to run is checked.
      if (!conditionKnown) continue;
      if (!rendering(() => engine.test(condition, scope, templates), condition, step.id)) continue;
    }
    if (specs.length === 0) continue;
    const input: Record<string, unknown> = {};
    for (const spec of specs) {
      input[spec.name] = rendering(
        () => engine.render(step.with?.[spec.name], scope, templates),
        `with.${spec.name}`,
        step.id,
      );
    }
    checkRequiredInputs(action, step, input, engine, specs);
  }
}
