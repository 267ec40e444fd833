/**
 * The durable step runner. A run is keyed by `workflow:eventKey`, so a duplicate event
 * finds its run: finished → returned as it is; unfinished → resumed. Each step's output is journaled;
 * an unsafe step's `started` row is durable before its effect and its `completed` row before the next
 * step starts (run-journal.ts: which writes share a commit). A replay reuses completed outputs instead
 * of calling HighLevel again. A failure is journaled and rethrown: the queue retries the whole job
 * (at-least-once) and the replay skips what already finished. Before the first step, the inputs the
 * trigger alone decides are checked (check-before-run.ts), so a run that cannot complete fails
 * without acting.
 *
 * Unsafe steps (sends) whose journal shows an attempt that may have taken effect (`started` without
 * `completed`, i.e. a crash between sending and journaling, or a failure HighLevel left ambiguous)
 * first ask the action's guard for that effect (message-guard.ts) and journal it instead of sending.
 *
 * One executor per run at a time is the queue's job (one job per trigger key); two that collide on
 * a fresh step get `step_in_progress` (retryable) from the journal's insert.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { HighLevelCaller } from '../highlevel/client-types.js';
import { silentLogger } from '../lib/create-logger.js';
import type { PriorityLane } from '../lib/priority-lanes.js';
import { createTemplateEngine, type TemplateEngine, type TemplateScope } from '../lib/template-engine.js';
import { questionScope } from '../preferences/question.js';
import type { Database } from '../store/schema.js';
import { newSortableId } from '../store/sortable-id.js';
import type { ActionContext } from './actions/action-types.js';
import { checkBeforeRun } from './check-before-run.js';
import type { VersionedWorkflow, WorkflowDefinition } from './definition-schema.js';
import { createRunJournal, type StepRow } from './run-journal.js';
import { parseOutput, rendering, runStep, type StepOutcomeKind } from './run-step.js';
import { TRIGGERS } from './triggers.js';
import { describeFailure, WorkflowError } from './workflow-error.js';

export type { StepOutcomeKind } from './run-step.js';

export interface WorkflowEvent {
  /** Unique per triggering event (e.g. `accelevents:<eventId>:<attendeeId>`); the run is `<workflow>:<key>`. */
  key: string;
  locationId: string;
  /** The template scope's event fields: `attendee`, `event`, `session`, `message`, … (see triggers.ts). */
  data: Record<string, unknown>;
}

export interface RunWorkflowDeps {
  db: Kysely<Database>;
  highlevel: HighLevelCaller;
  now?: () => number;
  logger?: Logger;
  /** Default: the workflow's lane (its own, else its trigger's). */
  lane?: PriorityLane;
  sleep?: (ms: number) => Promise<void>;
  newId?: () => string;
  /** Share one engine across runs so compiled templates are reused. */
  engine?: TemplateEngine;
  signal?: AbortSignal;
}

export interface RunWorkflowInput {
  definition: VersionedWorkflow;
  event: WorkflowEvent;
  deps: RunWorkflowDeps;
}

export interface StepOutcome {
  id: string;
  /** executed: ran now; replayed: output from the journal; recovered: the guard found its effect; skipped: `if` was false. */
  outcome: StepOutcomeKind;
  output: unknown;
}

export interface RunOutcome {
  runId: string;
  workflow: string;
  triggerKey: string;
  status: 'completed' | 'skipped';
  /** True when the run had finished before this call (a duplicate event); nothing ran. */
  alreadyFinished: boolean;
  steps: StepOutcome[];
  outputs: Record<string, unknown>;
}

let sharedEngine: TemplateEngine | null = null;

function defaultEngine(): TemplateEngine {
  sharedEngine ??= createTemplateEngine();
  return sharedEngine;
}

export async function runWorkflow(input: RunWorkflowInput): Promise<RunOutcome> {
  const { definition, event, deps } = input;
  if (!deps?.db || typeof deps.highlevel?.call !== 'function') {
    throw new TypeError('runWorkflow: deps.db (Kysely) and deps.highlevel (a HighLevel client) are required');
  }
  const now = deps.now ?? Date.now;
  const logger = deps.logger ?? silentLogger();
  const engine = deps.engine ?? defaultEngine();
  const journal = createRunJournal(deps.db);
  const triggerKey = `${definition.name}:${event.key}`;

  const scopeBase = {
    ...event.data,
    location: { id: event.locationId },
    ...(definition.question ? { question: questionScope(definition.question) } : {}),
  };
  const runId = deps.newId?.() ?? newSortableId();
  const templates = definition.templates;
  const conditionsHold = (definition.conditions ?? []).every((condition) =>
    rendering(() => engine.test(condition, scopeOf(scopeBase, {}, runId, definition, event), templates), condition),
  );

  const { row: run, steps: rows } = await journal.findOrCreateRun({
    id: runId,
    workflow: definition.name,
    triggerKey,
    input: { key: event.key, locationId: event.locationId, data: event.data },
    status: conditionsHold ? 'running' : 'skipped',
    now: now(),
    version: definition.version ?? null,
  });
  if (run.status === 'completed' || run.status === 'skipped') {
    return finishedOutcome(run.id, definition, triggerKey, run.status, rows, run.id !== runId);
  }
  try {
    checkBeforeRun({ definition, rows, scope: scopeOf(scopeBase, {}, run.id, definition, event), engine });
  } catch (error) {
    const failure = describeFailure(error);
    await journal.setRunStatus(run.id, 'failed', { error: `${failure.code}: ${failure.message}` });
    logger.warn(
      { runId: run.id, workflow: definition.name, step: error instanceof WorkflowError ? error.stepId : null },
      'workflow run cannot complete; failed before its first step',
    );
    throw error;
  }
  if (run.status === 'failed') await journal.setRunStatus(run.id, 'running');
  // A failed run retried after an edit runs the current version's steps: record that version.
  if ((definition.version ?? null) !== run.version) await journal.setRunVersion(run.id, definition.version ?? null);

  const context: ActionContext = {
    highlevel: deps.highlevel,
    db: deps.db,
    locationId: event.locationId,
    lane: deps.lane ?? workflowLane(definition),
    now,
    sleep: deps.sleep ?? ((ms) => delay(ms)),
    logger,
    run: { id: run.id, workflow: definition.name, key: event.key, startedAt: run.started_at },
    ...(definition.question ? { question: definition.question } : {}),
    ...(deps.signal ? { signal: deps.signal } : {}),
  };
  const outputs: Record<string, unknown> = {};
  const steps: StepOutcome[] = [];
  for (const step of definition.steps) {
    const scope = scopeOf(scopeBase, outputs, run.id, definition, event);
    try {
      const done = await runStep(step, rows.get(step.id), { journal, engine, context, scope, templates, now, logger });
      outputs[step.id] = done.output;
      steps.push({ id: step.id, ...done });
    } catch (error) {
      if (error instanceof WorkflowError && error.code === 'step_in_progress') {
        // Another executor holds this step right now: the run is still running, under it. Marking it
        // failed would let a third caller take the step for a finished failure and start it again.
        logger.info(
          { runId: run.id, workflow: definition.name, step: step.id },
          'workflow step held by another executor',
        );
        throw error;
      }
      const failure = describeFailure(error);
      await journal.setRunStatus(run.id, 'failed', { error: `step ${step.id}: ${failure.code}: ${failure.message}` });
      logger.warn(
        { runId: run.id, workflow: definition.name, step: step.id, code: failure.code },
        'workflow step failed',
      );
      if (error instanceof WorkflowError && error.stepId !== null) throw error;
      throw new WorkflowError('step_failed', `workflow ${definition.name}, step ${step.id}: ${failure.message}`, {
        retryable: failure.retryable,
        stepId: step.id,
        cause: error,
      });
    }
  }
  await journal.setRunStatus(run.id, 'completed', { finishedAt: now() });
  logger.debug({ runId: run.id, workflow: definition.name }, 'workflow run completed');
  return {
    runId: run.id,
    workflow: definition.name,
    triggerKey,
    status: 'completed',
    alreadyFinished: false,
    steps,
    outputs,
  };
}

function scopeOf(
  base: Record<string, unknown>,
  outputs: Record<string, unknown>,
  runId: string,
  definition: WorkflowDefinition,
  event: WorkflowEvent,
): TemplateScope {
  return {
    ...base,
    location: { id: event.locationId },
    steps: outputs,
    run: { id: runId, workflow: definition.name, key: event.key },
  };
}

function finishedOutcome(
  runId: string,
  definition: WorkflowDefinition,
  triggerKey: string,
  status: 'completed' | 'skipped',
  rows: Map<string, StepRow>,
  alreadyFinished: boolean,
): RunOutcome {
  const outputs: Record<string, unknown> = {};
  const steps: StepOutcome[] = [];
  for (const step of definition.steps) {
    const row = rows.get(step.id);
    if (row?.status !== 'completed') continue;
    outputs[step.id] = parseOutput(row.output);
    steps.push({ id: step.id, outcome: 'replayed', output: outputs[step.id] });
  }
  return { runId, workflow: definition.name, triggerKey, status, alreadyFinished, steps, outputs };
}

/** The queue lane a workflow's runs use: its own `lane`, else its trigger's default. */
export function workflowLane(definition: WorkflowDefinition) {
  return definition.lane ?? TRIGGERS[definition.trigger].lane;
}
