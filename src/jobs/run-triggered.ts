/**
 * Runs every enabled workflow whose trigger matches an event, one after another, each under its own
 * trigger key (`<workflow>:<event key>`), so a job attempt that failed halfway resumes each run from
 * its journal instead of starting over. A failure that will fail the same way every time
 * (WorkflowError/HighLevelError judged non-retryable by `isRetryable`) becomes the queue's
 * NonRetryableError so the job is dead-lettered at once instead of burning its attempts.
 */
import type { Kysely } from 'kysely';
import type { HighLevelCaller } from '../highlevel/client-types.js';
import type { Logger } from '../lib/create-logger.js';
import type { TemplateEngine } from '../lib/template-engine.js';
import { NonRetryableError } from '../queue/types.js';
import type { Database } from '../store/schema.js';
import { type RunOutcome, runWorkflow, type WorkflowEvent } from '../workflows/run-workflow.js';
import type { TriggerName } from '../workflows/triggers.js';
import { isRetryable } from '../workflows/workflow-error.js';
import { currentWorkflows, type Workflows } from '../workflows/workflow-source.js';
import { disabledWorkflows } from '../workflows/workflow-switches.js';

export interface RunTriggeredDeps {
  db: Kysely<Database>;
  highlevel: HighLevelCaller;
  workflows: Workflows;
  logger: Logger;
  engine: TemplateEngine;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  signal?: AbortSignal;
}

export async function runTriggered(
  deps: RunTriggeredDeps,
  trigger: TriggerName,
  event: WorkflowEvent,
): Promise<RunOutcome[]> {
  const report = await runEachTrigger(deps, [{ trigger, event }]);
  return report.outcomes;
}

export interface TriggeredReport {
  outcomes: RunOutcome[];
  /** Workflows whose trigger matched, run or not. */
  matched: string[];
  /** Of those, the ones switched off: no run was started for them. */
  switchedOff: string[];
}

/**
 * Runs the enabled workflows of several triggers for one happening (a ticket purchase fires both the
 * registration and the purchase trigger), and says which matched and which were switched off, so the
 * caller can tell "no workflow" from "switched off" from "ran".
 */
export async function runEachTrigger(
  deps: RunTriggeredDeps,
  items: readonly { trigger: TriggerName; event: WorkflowEvent }[],
): Promise<TriggeredReport> {
  const report: TriggeredReport = { outcomes: [], matched: [], switchedOff: [] };
  const workflows = await currentWorkflows(deps.workflows);
  const work = items.flatMap(({ trigger, event }) =>
    workflows.filter((definition) => definition.trigger === trigger).map((definition) => ({ definition, event })),
  );
  // One read per event, and only when a workflow would run: switches are flipped by an admin in the console.
  const disabled = work.length > 0 ? await disabledWorkflows(deps.db) : new Set<string>();
  for (const { definition, event } of work) {
    report.matched.push(definition.name);
    if (disabled.has(definition.name)) {
      report.switchedOff.push(definition.name);
      continue;
    }
    try {
      report.outcomes.push(
        await runWorkflow({
          definition,
          event,
          deps: {
            db: deps.db,
            highlevel: deps.highlevel,
            logger: deps.logger,
            engine: deps.engine,
            ...(deps.now ? { now: deps.now } : {}),
            ...(deps.sleep ? { sleep: deps.sleep } : {}),
            ...(deps.signal ? { signal: deps.signal } : {}),
          },
        }),
      );
    } catch (error) {
      if (isRetryable(error)) throw error;
      const message = error instanceof Error ? error.message : String(error);
      throw new NonRetryableError(`workflow ${definition.name}: ${message}`, { cause: error });
    }
  }
  return report;
}
