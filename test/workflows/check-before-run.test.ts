/**
 * A run that cannot complete fails before it acts: the built-in registration welcome, given an event
 * with no event key (so `links.save` would get an empty eventKey after the welcome went out), fails
 * without a single call to the HighLevel sandbox, and the run is journaled as failed, on both databases.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadEnabledWorkflows } from '../../src/features/enabled-workflows.js';
import { runWorkflow } from '../../src/workflows/run-workflow.js';
import { WorkflowError } from '../../src/workflows/workflow-error.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { type SandboxHandle, withSandbox } from '../helpers/sandbox.js';
import { attendee, newLocation, recordingClient, silentLogger } from './workflow-fixture.js';

let handle: SandboxHandle;
beforeAll(async () => {
  handle = await withSandbox({ attendees: 1 });
});
afterAll(async () => {
  await handle.close();
});

describeEachDatabase('a run that cannot complete', (getStore) => {
  /** The built-in welcome run for an event without a key; what it threw and its trigger key. */
  async function runWithoutEventKey() {
    const [welcome] = await loadEnabledWorkflows({ features: ['registration-welcome'] });
    if (!welcome) throw new Error('the built-in registration-welcome did not load');
    const locationId = newLocation(handle);
    const recording = recordingClient(handle, locationId);
    const person = attendee();
    const event = {
      key: `registration:-:${person.id}`,
      locationId,
      data: { attendee: person, event: { key: null, url: null, id: null, name: 'DevConf 2026' } },
    };
    const requestsBefore = handle.sandbox.stats.requests;

    const error = await runWorkflow({
      definition: welcome,
      event,
      deps: { db: getStore().db, highlevel: recording.client, logger: silentLogger },
    }).catch((e: unknown) => e);
    return { error, recording, requestsBefore, triggerKey: `registration-welcome:${event.key}` };
  }

  it("fails before any call when the event has no key, naming the step's input", async () => {
    const { error, recording, requestsBefore } = await runWithoutEventKey();
    expect(error).toBeInstanceOf(WorkflowError);
    expect(error).toMatchObject({ code: 'invalid_step_input', stepId: 'links', retryable: false });
    expect((error as Error).message).toBe(
      "step links: input eventKey rendered empty; expected the event's URL or id (event.key)",
    );
    expect(recording.calls).toEqual([]);
    expect(handle.sandbox.stats.requests).toBe(requestsBefore);
  });

  it('journals a run whose event has no key as failed, with no step', async () => {
    const { triggerKey } = await runWithoutEventKey();
    const run = await getStore()
      .db.selectFrom('workflow_runs')
      .select(['id', 'status', 'error'])
      .where('trigger_key', '=', triggerKey)
      .executeTakeFirstOrThrow();
    expect(run.status).toBe('failed');
    expect(run.error).toContain('step links: input eventKey rendered empty');
    const steps = await getStore().db.selectFrom('run_steps').select('step').where('run_id', '=', run.id).execute();
    expect(steps).toEqual([]);
  });
});
