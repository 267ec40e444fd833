/**
 * One step of a run: reuse a journaled output, honour `if`, render `with`, let the send
 * guard look for an interrupted attempt's effect, then run the action and journal `completed` with
 * its output, or `failed` with the error (kept ambiguous while the effect is unknown). An unsafe step
 * (a send) is journaled `started` durably before its effect and `completed` durably after it; a safe
 * step's row waits for the journal's next commit (run-journal.ts says why that is enough).
 */
import type { Logger } from 'pino';
import type { TemplateEngine, TemplateScope } from '../lib/template-engine.js';
import { getAction } from './actions/action-registry.js';
import type { ActionContext } from './actions/action-types.js';
import type { StepDefinition } from './definition-schema.js';
import { failureOf, type RunJournal, type StepRow } from './run-journal.js';
import { checkRequiredInputs } from './step-inputs.js';
import { describeFailure, WorkflowError } from './workflow-error.js';

export type StepOutcomeKind = 'executed' | 'replayed' | 'recovered' | 'skipped';

export interface StepDeps {
  journal: RunJournal;
  engine: TemplateEngine;
  context: ActionContext;
  scope: TemplateScope;
  templates: Record<string, string> | undefined;
  now: () => number;
  logger: Logger;
}

export async function runStep(
  step: StepDefinition,
  row: StepRow | undefined,
  deps: StepDeps,
): Promise<{ outcome: StepOutcomeKind; output: unknown }> {
  const { journal, engine, context, scope, templates, now } = deps;
  const runId = context.run.id;
  if (row?.status === 'completed') return { outcome: 'replayed', output: parseOutput(row.output) };
  let startedAt = now();

  if (step.if !== undefined) {
    const condition = step.if;
    if (!rendering(() => engine.test(condition, scope, templates), condition, step.id)) {
      await journal.completeStep(runId, step.id, null, { startedAt, now: startedAt }, false);
      return { outcome: 'skipped', output: null };
    }
  }
  const action = getAction(step.action);
  if (!action) {
    throw new WorkflowError('unknown_action', `unknown action "${step.action}" (see \`parley catalog\`)`, {
      stepId: step.id,
    });
  }
  const input = rendering(() => engine.render(step.with ?? {}, scope, templates), 'with', step.id) as Record<
    string,
    unknown
  >;
  checkRequiredInputs(action, step, input, engine);
  // Kept with the step's row for the run page: what was sent is as useful as what came back.
  const inputText = JSON.stringify(input);

  // An earlier attempt may have taken effect: started and never journaled, or failed ambiguously.
  const uncertain =
    action.unsafe && row !== undefined && (row.status === 'started' || failureOf(row)?.ambiguous === true);
  try {
    if (uncertain && row) {
      if (action.findPriorEffect) {
        const prior = await action.findPriorEffect(input, context, row.started_at);
        if (prior !== null) {
          const output = { ...(prior as Record<string, unknown>), recoveredByGuard: true };
          await journal.completeStep(runId, step.id, output, { startedAt, now: now() }, true, inputText);
          deps.logger.info({ runId, step: step.id }, 'send guard found the earlier attempt’s effect; not repeating it');
          return { outcome: 'recovered', output };
        }
      } else {
        // No way to look for this effect (e.g. an upload): repeat it, and say so.
        deps.logger.warn({ runId, step: step.id, action: action.name }, 'repeating an unsafe step that may have run');
      }
    }
    if (action.unsafe) startedAt = await journal.startStep(runId, step.id, now(), row, inputText);
    const output = (await action.execute(input, context)) ?? {};
    await journal.completeStep(runId, step.id, output, { startedAt, now: now() }, action.unsafe, inputText);
    return { outcome: 'executed', output };
  } catch (error) {
    const failure = describeFailure(error);
    // Failing while still unsure (the guard's own call failed) must keep the next attempt guarded.
    if (uncertain) failure.ambiguous = true;
    if (row !== undefined || !(error instanceof WorkflowError && error.code === 'step_in_progress')) {
      await journal.failStep(runId, step.id, failure, { startedAt, now: now() }, inputText);
    }
    throw error;
  }
}

export function rendering<T>(render: () => T, what: string, stepId?: string): T {
  try {
    return render();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new WorkflowError('template_failed', `${stepId ? `step ${stepId}: ` : ''}cannot render ${what}: ${reason}`, {
      ...(stepId ? { stepId } : {}),
      cause: error,
    });
  }
}

export function parseOutput(text: string | null): unknown {
  return text === null ? null : JSON.parse(text);
}
