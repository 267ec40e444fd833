/**
 * The check of a step's rendered required inputs, shared by the check before a run's first step
 * (check-before-run.ts) and the step itself (run-step.ts): each must be non-empty and, when the
 * action lists its values, one of them. The message names the step, the input, what was expected
 * and the variables its template reads, so the fix is in the event data or the workflow file.
 */

import type { TemplateEngine } from '../lib/template-engine.js';
import type { ActionInputSpec, ActionSpec } from './actions/action-types.js';
import type { StepDefinition } from './definition-schema.js';
import { formatVariablePath } from './known-before-run.js';
import { WorkflowError } from './workflow-error.js';

/** The inputs a step must give: required by the action and not filled from the run. */
export function requiredInputsOf(action: ActionSpec): ActionInputSpec[] {
  return (action.inputs ?? []).filter((spec) => spec.required && !spec.defaulted);
}

export function checkRequiredInputs(
  action: ActionSpec,
  step: StepDefinition,
  input: Record<string, unknown>,
  engine: TemplateEngine,
  specs: readonly ActionInputSpec[] = requiredInputsOf(action),
): void {
  for (const spec of specs) {
    const value = input[spec.name];
    const empty = value === undefined || value === null || value === '';
    const allowed = spec.values;
    if (!empty && (allowed === undefined || allowed.includes(String(value)))) continue;
    const rendered = empty ? 'rendered empty' : `rendered ${JSON.stringify(value)}`;
    throw new WorkflowError(
      'invalid_step_input',
      `step ${step.id}: input ${spec.name} ${rendered}; expected ${expectedOf(spec)}${readsOf(step.with?.[spec.name], engine)}`,
      { stepId: step.id },
    );
  }
}

function expectedOf(spec: ActionInputSpec): string {
  if (spec.values !== undefined) return `one of ${spec.values.join(', ')}`;
  return spec.description ?? `a value for ${spec.name}`;
}

/** ` (event.key)`: what the input's template reads; empty for a literal or a template reading nothing. */
function readsOf(source: unknown, engine: TemplateEngine): string {
  if (typeof source !== 'string') return '';
  let paths: string[];
  try {
    paths = [...new Set(engine.variables(source).map(formatVariablePath))];
  } catch {
    return '';
  }
  return paths.length === 0 ? '' : ` (${paths.join(', ')})`;
}
