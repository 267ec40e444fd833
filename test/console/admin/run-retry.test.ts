/**
 * Run history, retry and bulk replay on both databases, in the parley world: registrations come in
 * through the Accelevents intake, the worker runs `registration-welcome` against the HighLevel sandbox,
 * and the admin API retries what failed. Runs fail for real: a saved version of the workflow reads a
 * message the sandbox does not have after the welcome went out, and the sandbox answers 404 (a refusal
 * that fails the run at once, where its 5xx fault injection would be retried by the client and the queue).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunStepView, RunView } from '../../../src/console/admin/run-history.js';
import { BUILTIN_WORKFLOWS_DIR } from '../../../src/features/enabled-workflows.js';
import type { StepDefinition, WorkflowDefinition } from '../../../src/workflows/definition-schema.js';
import { loadWorkflows } from '../../../src/workflows/load-workflows.js';
import { DATABASE_KINDS } from '../../helpers/databases.js';
import { post, registrationBody } from '../../jobs/pipeline-world.js';
import { eventually, type ParleyWorld, startParleyWorld } from '../api/parley-world.js';

const WORKFLOW = 'registration-welcome';

describe.each(DATABASE_KINDS)('run history and retry [%s]', (kind) => {
  let world: ParleyWorld;
  let builtin: WorkflowDefinition;
  let registrations = 0;

  beforeAll(async () => {
    world = await startParleyWorld(kind, { attendees: 1 });
    const loaded = await loadWorkflows(BUILTIN_WORKFLOWS_DIR);
    builtin = loaded.find((w) => w.definition.name === WORKFLOW)?.definition as WorkflowDefinition;
  });
  afterAll(async () => {
    await world?.close();
  });

  const admin = (method: 'GET' | 'POST', url: string) =>
    world.app.inject({ method, url, headers: world.auth('admin') });

  /** Saves the workflow in the console with these steps; answers the version it got. */
  async function saveVersion(steps: StepDefinition[]): Promise<number> {
    const saved = await world.deps.workflowStore.save({
      definition: { ...builtin, steps },
      author: 'user:test',
      note: 'edited',
      mode: 'upsert',
      basedOn: WORKFLOW,
    });
    return saved.version;
  }

  /** The built-in's steps with a read of a message HighLevel does not have right after the welcome. */
  const failingAfterWelcome = (): StepDefinition[] => {
    const at = builtin.steps.findIndex((step) => step.id === 'welcome') + 1;
    const check = { id: 'check', action: 'highlevel.get-message', with: { id: 'no-such-message' } };
    return [...builtin.steps.slice(0, at), check, ...builtin.steps.slice(at)];
  };

  /** One new registration through the intake; answers the attendee's email. */
  async function register(): Promise<string> {
    registrations += 1;
    const tag = `retry-${kind}`;
    expect(await post(world.hookUrl, registrationBody(registrations, tag))).toBe(202);
    return `ada.${tag}.${registrations}@example.com`;
  }

  async function runOf(email: string): Promise<RunView | undefined> {
    const page = (await admin('GET', `/api/admin/runs?workflow=${WORKFLOW}&limit=200`)).json() as { items: RunView[] };
    return page.items.find((run) => run.attendee?.email === email);
  }

  function runIn(email: string, status: RunView['status']): Promise<RunView> {
    return eventually(`a ${status} run for ${email}`, async () => {
      const run = await runOf(email);
      return run?.status === status ? run : undefined;
    });
  }

  async function jobSettled(jobId: string): Promise<string> {
    return eventually(`job ${jobId} to finish`, async () => {
      const row = await world.deps.db.selectFrom('jobs').select('status').where('id', '=', jobId).executeTakeFirst();
      return row?.status === 'done' || row?.status === 'dead' ? row.status : undefined;
    });
  }

  /** Outbound messages the sandbox holds for the attendee's contact. */
  function messagesTo(email: string) {
    const state = world.sandbox.sandbox.domain!.state;
    const contact = state.contacts.findByEmail(world.locationId, email);
    if (!contact) return [];
    return state.messages
      .inLocation(world.locationId)
      .filter((m) => m.direction === 'outbound' && m.contactId === contact.id);
  }

  async function retry(runId: string) {
    const response = await admin('POST', `/api/admin/runs/${runId}/retry`);
    expect(response.statusCode, response.body).toBe(202);
    return response.json() as { runId: string; jobId: string; queued: boolean };
  }

  describe('a run that failed after its welcome was sent', () => {
    let email: string;
    let failed: RunView;
    let brokenVersion: number;

    beforeAll(async () => {
      brokenVersion = await saveVersion(failingAfterWelcome());
      email = await register();
      failed = await runIn(email, 'failed');
    });

    it('lists the failed run with its version and attendee', () => {
      expect(failed).toMatchObject({
        workflow: WORKFLOW,
        version: brokenVersion,
        attendee: { email, name: expect.stringMatching(/^Ada\d+ Lovelace$/) },
      });
      expect(failed.error).toMatch(/^step check: /);
    });

    it('shows each step with its input, output, error and duration', async () => {
      const run = (await admin('GET', `/api/admin/runs/${failed.runId}`)).json() as { steps: RunStepView[] };
      const byId = new Map(run.steps.map((step) => [step.step, step]));
      expect(byId.get('welcome')).toMatchObject({
        status: 'completed',
        input: { contactId: expect.any(String), message: expect.stringContaining('thanks for registering') },
        output: { messageId: expect.any(String) },
        error: null,
        durationMs: expect.any(Number),
      });
      expect(byId.get('check')).toMatchObject({
        status: 'failed',
        input: { id: 'no-such-message' },
        output: null,
        error: { code: expect.any(String), message: expect.any(String), ambiguous: false },
      });
    });

    it('sends the welcome only once when the run is retried and fails at the same step again', async () => {
      expect(messagesTo(email)).toHaveLength(1);
      const { jobId, queued } = await retry(failed.runId);
      expect(queued).toBe(true);
      expect(await jobSettled(jobId)).toBe('dead');
      const again = await runIn(email, 'failed');
      expect(again.runId).toBe(failed.runId);
      expect(messagesTo(email)).toHaveLength(1);
    });

    it('runs the edited version’s steps on retry, records that version, and still sends nothing again', async () => {
      const tagging = {
        id: 'tag',
        action: 'contacts.add-tags',
        with: { contactId: '{{ steps.contact.id }}', tags: ['welcome-retried'] },
      };
      const fixedVersion = await saveVersion([...builtin.steps, tagging]);
      const { jobId } = await retry(failed.runId);
      expect(await jobSettled(jobId)).toBe('done');
      const completed = await runIn(email, 'completed');
      expect(completed).toMatchObject({ runId: failed.runId, version: fixedVersion, error: null });
      const steps = ((await admin('GET', `/api/admin/runs/${failed.runId}`)).json() as { steps: RunStepView[] }).steps;
      const statusOf = Object.fromEntries(steps.map((step) => [step.step, step.status]));
      for (const step of [...builtin.steps, tagging]) expect(statusOf[step.id], step.id).toBe('completed');
      const contact = world.sandbox.sandbox.domain!.state.contacts.findByEmail(world.locationId, email);
      expect(contact?.tags).toContain('welcome-retried');
      expect(messagesTo(email)).toHaveLength(1);
    });

    it('refuses to retry a run that has not failed, saying why', async () => {
      const response = await admin('POST', `/api/admin/runs/${failed.runId}/retry`);
      expect(response.statusCode).toBe(409);
      expect(response.json()).toMatchObject({ error: 'conflict', reason: 'run_not_failed' });
      expect(response.json().message).toContain('completed; only a failed run can be retried');
    });
  });

  it('answers 404 naming the run for a run that does not exist', async () => {
    const response = await admin('POST', '/api/admin/runs/no-such-run/retry');
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: 'not_found', field: 'runId' });
  });

  it('answers 404 for a bulk retry of a workflow that does not run here', async () => {
    const response = await admin('POST', '/api/admin/workflows/no-such-flow/runs/retry-failed');
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: 'not_found', reason: 'workflow_not_found' });
  });

  it('refuses to retry while the workflow is switched off', async () => {
    await saveVersion(failingAfterWelcome());
    const failed = await runIn(await register(), 'failed');
    const off = await world.app.inject({
      method: 'PUT',
      url: `/api/admin/workflows/${WORKFLOW}`,
      headers: world.auth('admin'),
      payload: { enabled: false },
    });
    expect(off.statusCode).toBe(200);
    try {
      const response = await admin('POST', `/api/admin/runs/${failed.runId}/retry`);
      expect(response.statusCode).toBe(409);
      expect(response.json()).toMatchObject({ error: 'conflict', reason: 'workflow_switched_off' });
    } finally {
      await world.app.inject({
        method: 'PUT',
        url: `/api/admin/workflows/${WORKFLOW}`,
        headers: world.auth('admin'),
        payload: { enabled: true },
      });
    }
  });

  it('reports when each workflow last ran and how many of its runs failed in the last day', async () => {
    const failedRuns = await world.deps.db
      .selectFrom('workflow_runs')
      .select('id')
      .where('workflow', '=', WORKFLOW)
      .where('status', '=', 'failed')
      .execute();
    const newest = (await admin('GET', `/api/admin/runs?workflow=${WORKFLOW}&limit=1`)).json().items[0] as RunView;
    const listed = (await admin('GET', '/api/admin/workflows')).json().workflows as {
      name: string;
      lastRunAt: number | null;
      failures24h: number;
    }[];
    expect(failedRuns.length).toBeGreaterThan(0);
    expect(listed.find((w) => w.name === WORKFLOW)).toMatchObject({
      lastRunAt: newest.startedAt,
      failures24h: failedRuns.length,
    });
  });

  // Last: it stops the worker, so the retries stay queued for the second call to find.
  it('queues one retry per failed run, and none on a second call while they wait', async () => {
    await saveVersion(failingAfterWelcome());
    for (let n = 0; n < 3; n += 1) await runIn(await register(), 'failed');
    await world.pipeline.stop({ graceMs: 1_000 });
    const failed = await world.deps.db
      .selectFrom('workflow_runs')
      .select('id')
      .where('workflow', '=', WORKFLOW)
      .where('status', '=', 'failed')
      .execute();
    expect(failed.length).toBeGreaterThanOrEqual(3);

    const first = await admin('POST', `/api/admin/workflows/${WORKFLOW}/runs/retry-failed`);
    expect(first.statusCode).toBe(202);
    expect(first.json()).toEqual({ queued: failed.length, alreadyQueued: 0 });
    const pendingRetries = async () =>
      world.deps.db
        .selectFrom('jobs')
        .select('payload')
        .where('kind', '=', 'workflow.retry')
        .where('status', '=', 'pending')
        .execute();
    const queuedFor = (await pendingRetries()).map((job) => (JSON.parse(job.payload) as { runId: string }).runId);
    expect(queuedFor.sort()).toEqual(failed.map((run) => run.id).sort());

    const second = await admin('POST', `/api/admin/workflows/${WORKFLOW}/runs/retry-failed`);
    expect(second.json()).toEqual({ queued: 0, alreadyQueued: failed.length });
    expect(await pendingRetries()).toHaveLength(failed.length);
  });
});
