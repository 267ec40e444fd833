/**
 * The `workflow.retry` handler's refusals and waits on both databases, with runs seeded by SQL: none of
 * these cases reaches HighLevel (the sandbox behind the client would show it), and each leaves the run
 * as it found it. Retries that run are covered end to end in test/console/admin/run-retry.test.ts.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createHighLevelClient } from '../../src/highlevel/client.js';
import { WORKFLOW_RETRY_JOB, workflowRetryHandler } from '../../src/jobs/handlers/workflow-retry-handler.js';
import { createTemplateEngine } from '../../src/lib/template-engine.js';
import type { Job } from '../../src/queue/types.js';
import type { Store } from '../../src/store/open-database.js';
import type { WorkflowDefinition } from '../../src/workflows/definition-schema.js';
import { setWorkflowEnabled } from '../../src/workflows/workflow-switches.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { type SandboxHandle, withSandbox } from '../helpers/sandbox.js';
import { silent } from './pipeline-world.js';

const WELCOME: WorkflowDefinition = {
  name: 'retry-welcome',
  trigger: 'accelevents.registration',
  steps: [
    { id: 'contact', action: 'contacts.upsert', with: { email: '{{ attendee.email }}' } },
    { id: 'send', action: 'highlevel.send-a-new-message', with: { type: 'Email', contactId: 'c', message: 'hi' } },
  ],
};

let handle: SandboxHandle;
beforeAll(async () => {
  handle = await withSandbox({ attendees: 1 });
});
afterAll(async () => {
  await handle.close();
});

describeEachDatabase('workflow.retry handler', (getStore) => {
  const requestsBefore = () => handle.sandbox.stats.requests;

  function handler(store: Store, workflows: WorkflowDefinition[] = [WELCOME]) {
    const { accessToken } = handle.sandbox.issueToken({ locationId: handle.sandbox.defaultLocationId });
    return workflowRetryHandler({
      db: store.db,
      highlevel: createHighLevelClient({ baseUrl: handle.url, auth: { getAccessToken: async () => accessToken } }),
      workflows,
      logger: silent,
      engine: createTemplateEngine(),
    });
  }

  function job(runId: string, attempts = 1): Job {
    return {
      id: `job-${runId}-${attempts}`,
      kind: WORKFLOW_RETRY_JOB,
      payload: { runId },
      priority: 10,
      attempts,
      maxAttempts: 10,
      runAt: 0,
      dedupeKey: null,
    };
  }

  const context = { signal: new AbortController().signal, workerId: 'test-worker' };

  async function seedRun(
    store: Store,
    id: string,
    status: 'running' | 'failed' | 'completed',
    workflow = WELCOME.name,
  ) {
    const input = {
      key: `k-${id}`,
      locationId: handle.sandbox.defaultLocationId,
      data: { attendee: { email: 'x@y.z' } },
    };
    await store.db
      .insertInto('workflow_runs')
      .values({
        id,
        workflow,
        trigger_key: `${workflow}:k-${id}`,
        status,
        input: JSON.stringify(input),
        error: status === 'failed' ? 'step send: server_error' : null,
        started_at: 1_000,
        finished_at: status === 'completed' ? 2_000 : null,
        version: null,
      })
      .execute();
    await store.db
      .insertInto('run_steps')
      .values({
        run_id: id,
        step: 'contact',
        status: 'completed',
        output: '{"id":"c"}',
        started_at: 1_000,
        finished_at: 1_100,
        input: null,
      })
      .execute();
  }

  async function snapshot(store: Store, id: string) {
    const run = await store.db
      .selectFrom('workflow_runs')
      .select(['status', 'error'])
      .where('id', '=', id)
      .executeTakeFirst();
    const steps = await store.db.selectFrom('run_steps').select(['step', 'status']).where('run_id', '=', id).execute();
    return { run, steps };
  }

  it('waits, changing nothing, when the run is running in another job on its first attempt', async () => {
    const store = getStore();
    await seedRun(store, 'r-running', 'running');
    const before = await snapshot(store, 'r-running');
    const requests = requestsBefore();
    await expect(handler(store)(job('r-running'), context)).rejects.toMatchObject({
      code: 'step_in_progress',
      retryable: true,
    });
    expect(await snapshot(store, 'r-running')).toEqual(before);
    expect(handle.sandbox.stats.requests).toBe(requests);
  });

  it('does nothing for a run that completed since its retry was queued', async () => {
    const store = getStore();
    await seedRun(store, 'r-done', 'completed');
    const before = await snapshot(store, 'r-done');
    await handler(store)(job('r-done'), context);
    expect(await snapshot(store, 'r-done')).toEqual(before);
  });

  it('does nothing for a run retention deleted', async () => {
    const store = getStore();
    const requests = requestsBefore();
    await handler(store)(job('r-gone'), context);
    expect(await store.db.selectFrom('workflow_runs').select('id').where('id', '=', 'r-gone').execute()).toEqual([]);
    expect(handle.sandbox.stats.requests).toBe(requests);
  });

  it('dead-letters the retry of a run whose workflow no longer runs, leaving the run failed', async () => {
    const store = getStore();
    await seedRun(store, 'r-orphan', 'failed', 'deleted-flow');
    const before = await snapshot(store, 'r-orphan');
    await expect(handler(store)(job('r-orphan'), context)).rejects.toMatchObject({
      name: 'NonRetryableError',
      message: expect.stringContaining('workflow deleted-flow no longer exists'),
    });
    expect(await snapshot(store, 'r-orphan')).toEqual(before);
  });

  it('dead-letters the retry while the workflow is switched off, leaving the run failed', async () => {
    const store = getStore();
    await seedRun(store, 'r-off', 'failed');
    const before = await snapshot(store, 'r-off');
    await setWorkflowEnabled(store.db, WELCOME.name, false, 5_000);
    try {
      await expect(handler(store)(job('r-off'), context)).rejects.toMatchObject({
        name: 'NonRetryableError',
        message: expect.stringContaining('is switched off'),
      });
    } finally {
      await setWorkflowEnabled(store.db, WELCOME.name, true, 6_000);
    }
    expect(await snapshot(store, 'r-off')).toEqual(before);
  });

  it('refuses a job without a run id as invalid', async () => {
    const store = getStore();
    await expect(handler(store)({ ...job('x'), payload: {} }, context)).rejects.toMatchObject({
      code: 'invalid_job',
      retryable: false,
    });
  });
});
