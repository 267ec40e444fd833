/**
 * A test run's answer, read back from the scratch store's journal (src/workflows/run-journal.ts): each
 * step that ran with its rendered input (what was sent, e.g. a message's text), its output or its error,
 * and how long it took; then the step that failed before it could journal anything (a required input
 * that rendered empty, a template that failed), from the error itself.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';
import type { VersionedWorkflow } from '../../workflows/definition-schema.js';
import { failureOf, type StepRow } from '../../workflows/run-journal.js';
import { parseOutput } from '../../workflows/run-step.js';
import { describeFailure, WorkflowError } from '../../workflows/workflow-error.js';

export type TestRunStatus = 'completed' | 'skipped' | 'failed';

export interface TestRunError {
  code: string;
  message: string;
  /** The step it happened in, when it was one. */
  step?: string;
}

export interface TestRunStep {
  id: string;
  action: string;
  status: TestRunStatus;
  /** The rendered `with` (run_steps.input); null for a skipped step or one that failed while rendering. */
  input: unknown;
  output?: unknown;
  error?: { code: string; message: string };
  durationMs: number;
}

export interface TestRunAnswer {
  target: 'sandbox' | 'live';
  workflow: string;
  status: TestRunStatus;
  conditions: { text: string; result: boolean | null }[];
  steps: TestRunStep[];
  /** The run's `data`: what its templates read from the event. */
  data: Record<string, unknown>;
  error?: TestRunError;
}

/** The steps of run `runId`, in the definition's order, as the answer shows them. */
export async function stepsOfRun(
  scratch: Kysely<Database>,
  runId: string,
  definition: VersionedWorkflow,
  failure: unknown,
  now: number,
): Promise<TestRunStep[]> {
  const rows = new Map(
    (await scratch.selectFrom('run_steps').selectAll().where('run_id', '=', runId).execute()).map((row) => [
      row.step,
      row,
    ]),
  );
  const failedStep = failure instanceof WorkflowError ? failure.stepId : null;
  const steps: TestRunStep[] = [];
  for (const step of definition.steps) {
    const row = rows.get(step.id);
    if (row) steps.push(stepOf(step.id, step.action, row, now));
    else if (step.id === failedStep) {
      const { code, message } = describeFailure(failure);
      steps.push({
        id: step.id,
        action: step.action,
        status: 'failed',
        input: null,
        error: { code, message },
        durationMs: 0,
      });
    }
  }
  return steps;
}

function stepOf(id: string, action: string, row: StepRow, now: number): TestRunStep {
  const durationMs = Math.max(0, (row.finished_at ?? now) - row.started_at);
  const input = row.input === null ? null : (JSON.parse(row.input) as unknown);
  if (row.status === 'completed') {
    // A skipped step (its `if` was false) is journaled completed with no output; an action's is never null.
    if (row.output === null) return { id, action, status: 'skipped', input, durationMs };
    return { id, action, status: 'completed', input, output: parseOutput(row.output), durationMs };
  }
  // `started` with no end: the run stopped during the step (an unsafe one whose outcome is unknown).
  const failed = failureOf(row) ?? { code: 'step_unfinished', message: `step ${id} started and did not finish` };
  return { id, action, status: 'failed', input, error: { code: failed.code, message: failed.message }, durationMs };
}

/** The run's error: the failed step's own (HighLevel's code, not the runner's wrapper), else the thrown one. */
export function runErrorOf(failure: unknown, steps: readonly TestRunStep[]): TestRunError {
  const failed = steps.find((step) => step.status === 'failed');
  if (failed?.error) return { ...failed.error, step: failed.id };
  const { code, message } = describeFailure(failure);
  const step = failure instanceof WorkflowError ? failure.stepId : null;
  return { code, message, ...(step === null ? {} : { step }) };
}
