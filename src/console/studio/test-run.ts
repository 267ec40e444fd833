/**
 * A workflow test run (POST /api/workflows/:name/test): the workflow as it runs now, or an unsaved
 * draft, run once from a sample, a payload or a stored delivery, and answered with what each step did.
 *
 * It runs on the real runner (src/workflows/run-workflow.ts) with a scratch store for its journal and
 * its actions' writes (links, preferences, the index), so the real run history, links, preferences and
 * dedupe never see it (src/app/workflow-test-runner.ts). HighLevel is the sandbox unless the request
 * says `live: true` and confirms with the workflow's name: then the process's paced client, on the
 * agent lane, its calls audited under the admin's name. A step that fails is part of the answer, not
 * an error of the request.
 */
import type { Kysely } from 'kysely';
import type { HighLevelCaller } from '../../highlevel/client-types.js';
import type { TemplateEngine } from '../../lib/template-engine.js';
import { questionScope } from '../../preferences/question.js';
import type { Database } from '../../store/schema.js';
import { newSortableId } from '../../store/sortable-id.js';
import { checkDefinition } from '../../workflows/check-definition.js';
import type { VersionedWorkflow, WorkflowDefinition } from '../../workflows/definition-schema.js';
import { withOptionsApplied } from '../../workflows/load-workflows.js';
import { runWorkflow, type WorkflowEvent } from '../../workflows/run-workflow.js';
import { WorkflowError } from '../../workflows/workflow-error.js';
import type { Caller } from '../auth/resolve-caller.js';
import { actorOf, type ConsoleDeps } from '../console-deps.js';
import { ConsoleError } from '../console-error.js';
import { recordSandboxTest } from './publish-checks.js';
import { runErrorOf, stepsOfRun, type TestRunAnswer, type TestRunStatus } from './test-run-answer.js';
import { type TestRunSource, testRunStart } from './test-run-event.js';

export interface TestRunRequest extends TestRunSource {
  /** An unsaved draft to run instead of the workflow as it runs now. */
  definition?: unknown;
  live?: boolean;
  /** With `live: true`: the workflow's name, typed again. */
  confirm?: string;
}

export type TestRunDeps = Pick<
  ConsoleDeps,
  'db' | 'config' | 'workflows' | 'testRuns' | 'highlevel' | 'defaultLocationId' | 'logger' | 'now'
> & { engine: TemplateEngine };

interface Target {
  target: 'sandbox' | 'live';
  highlevel: HighLevelCaller;
  locationId: string;
}

export async function runWorkflowTest(
  deps: TestRunDeps,
  name: string,
  request: TestRunRequest,
  caller: Caller,
): Promise<TestRunAnswer> {
  const { definition, asWritten } = await definitionToTest(deps, name, request.definition);
  const live = request.live === true;
  if (live && request.confirm !== name) {
    throw new ConsoleError(
      'invalid_request',
      `confirm: expected the workflow's name "${name}" to run against the live HighLevel account${request.confirm === undefined ? '' : `, got "${request.confirm}"`}`,
      { field: 'confirm' },
    );
  }
  const runId = newSortableId();
  const start = await testRunStart(request, definition, { db: deps.db, config: deps.config, nonce: runId });
  const target = live
    ? await liveTarget(deps, start.eventKey)
    : { target: 'sandbox' as const, ...(await deps.testRuns.sandbox()) };
  const event = start.at(target.locationId);

  const audit = {
    userId: caller.userId,
    workflow: name,
    target: target.target,
    draft: request.definition !== undefined,
    from: request.sample !== undefined ? 'sample' : request.data !== undefined ? 'data' : 'deliveryId',
    locationId: target.locationId,
    runId,
  };
  if (live) deps.logger.warn(audit, 'workflow test run against the live HighLevel account');
  else deps.logger.info(audit, 'workflow test run in the HighLevel sandbox');

  const scratch = await deps.testRuns.scratch();
  const conditions = conditionResults(deps.engine, definition, event, runId);
  const run = () =>
    runWorkflow({
      definition,
      event,
      deps: {
        db: scratch,
        highlevel: target.highlevel,
        now: deps.now,
        logger: deps.logger.child({ testRun: runId }),
        lane: 'agent',
        engine: deps.engine,
        newId: () => runId,
      },
    });
  let status: TestRunStatus = 'failed';
  let failure: unknown = null;
  try {
    try {
      status = (await (live ? deps.highlevel.runAs(actorOf(caller), run) : run())).status;
    } catch (error) {
      // The runner reports a step's failure as a WorkflowError; anything else is this process's own trouble.
      if (!(error instanceof WorkflowError)) throw error;
      failure = error;
    }
    // What publishing on a live account asks for (publish-checks.ts): this exact definition passed in the sandbox.
    if (status === 'completed' && !live) await recordSandboxTest(deps.db, asWritten, deps.now());
    const steps = await stepsOfRun(scratch, runId, definition, failure, deps.now());
    return {
      target: target.target,
      workflow: name,
      status,
      conditions,
      steps,
      data: event.data,
      ...(status === 'failed' ? { error: runErrorOf(failure, steps) } : {}),
    };
  } finally {
    await forgetRun(scratch, runId);
  }
}

/**
 * The draft, checked as a saved workflow is; else the workflow `name` as this process runs it. `asWritten`
 * is the definition before its options drop steps, as the studio publishes it.
 */
async function definitionToTest(
  deps: TestRunDeps,
  name: string,
  draft: unknown,
): Promise<{ definition: VersionedWorkflow; asWritten: WorkflowDefinition }> {
  if (draft !== undefined) {
    const checked = checkDefinition(draft, deps.engine);
    if (!checked.ok) {
      const issues = checked.problems.map((p) => ({ path: `definition.${p.path}`, message: p.message }));
      throw new ConsoleError(
        'invalid_request',
        `the draft is not a valid workflow: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
        { field: issues[0]?.path ?? 'definition', issues },
      );
    }
    if (checked.definition.name !== name) {
      throw new ConsoleError(
        'invalid_request',
        `definition.name: expected "${name}", the workflow this test is for, got "${checked.definition.name}"`,
        { field: 'definition.name' },
      );
    }
    return { definition: withOptionsApplied(checked.definition), asWritten: checked.definition };
  }
  const entry = (await deps.workflows.entries()).find((w) => w.definition.name === name);
  if (!entry) {
    throw new ConsoleError(
      'not_found',
      `no workflow named "${name}" runs here; send a draft as definition to test one`,
    );
  }
  const definition = entry.version === null ? entry.definition : { ...entry.definition, version: entry.version };
  return { definition, asWritten: entry.definition };
}

/** The live account's location for the event: the config's `events[].locationId`, else the connected one. */
async function liveTarget(deps: TestRunDeps, eventKey: string | null): Promise<Target> {
  const mapped = eventKey === null ? undefined : deps.config.events.find((e) => e.eventUrl === eventKey)?.locationId;
  const locationId = mapped ?? (await deps.defaultLocationId());
  if (!locationId) {
    throw new ConsoleError(
      'no_location',
      'no HighLevel location is connected to run a live test in; connect one first',
    );
  }
  return { target: 'live', highlevel: deps.highlevel.client, locationId };
}

/**
 * Each condition on its own, with the scope the runner gives them (run-workflow.ts), so the answer
 * shows which one held; the runner stops at the first false. Null: it cannot render (the run's error says why).
 */
function conditionResults(
  engine: TemplateEngine,
  definition: VersionedWorkflow,
  event: WorkflowEvent,
  runId: string,
): { text: string; result: boolean | null }[] {
  const scope = {
    ...event.data,
    location: { id: event.locationId },
    ...(definition.question ? { question: questionScope(definition.question) } : {}),
    steps: {},
    run: { id: runId, workflow: definition.name, key: event.key },
  };
  return (definition.conditions ?? []).map((text) => {
    try {
      return { text, result: engine.test(text, scope, definition.templates) };
    } catch {
      return { text, result: null };
    }
  });
}

/**
 * The run's journal rows leave the scratch store once read. What its actions upserted (links,
 * preferences, index rows) stays, keyed by the person as in the real store, so it grows with the people
 * tested, not with the runs.
 */
async function forgetRun(scratch: Kysely<Database>, runId: string): Promise<void> {
  await scratch.deleteFrom('run_steps').where('run_id', '=', runId).execute();
  await scratch.deleteFrom('workflow_runs').where('id', '=', runId).execute();
}
