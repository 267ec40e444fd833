/**
 * An edit in the console reaches a worker in another process without a restart, on PostgreSQL (the
 * multi-process setup): a `parley worker`-like child process (test/jobs/fixtures/worker-process.ts
 * with --live-workflows) welcomes one registration with the built-in text; an admin then edits the
 * welcome in the console's API; the same child process, still running, welcomes the next registration
 * with the edited text and records the version it ran.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_WORKFLOW_CHECK_MS } from '../../src/features/live-workflows.js';
import { registerAcceleventsWebhookRoute } from '../../src/intake/accelevents-webhook-route.js';
import { createAcceleventsWebhookSecret } from '../../src/intake/webhook-secret.js';
import { createQueue } from '../../src/queue/create-queue.js';
import { type ConsoleApp, startConsoleApp } from '../helpers/console-app.js';
import { spawnWorkerProcess, type WorkerProcess } from '../jobs/fixtures/spawn-worker.js';
import { EVENT_NAME, EVENT_URL, post, registrationBody, silent } from '../jobs/pipeline-world.js';

/** A bound on waiting for the child process's run, not a timing assertion. */
const RUN_BOUND_MS = 60_000;
const MARKER = 'edited in the console';

describe('a workflow edited in the console [postgres, second process]', () => {
  let harness: ConsoleApp;
  let intake: FastifyInstance;
  let hookUrl: string;
  let worker: WorkerProcess;

  beforeAll(async () => {
    harness = await startConsoleApp('postgres', { attendees: 1, config: { features: ['registration-welcome'] } });
    const { store } = harness.database;
    intake = Fastify({ logger: false });
    await registerAcceleventsWebhookRoute(intake, { db: store.db, queue: createQueue({ store }), logger: silent });
    const secret = await createAcceleventsWebhookSecret(store.db);
    hookUrl = `${await intake.listen({ port: 0, host: '127.0.0.1' })}/hooks/accelevents/${secret}`;
    const locationId = harness.sandbox.sandbox.defaultLocationId;
    worker = spawnWorkerProcess({
      database: harness.database.location,
      sandboxUrl: harness.sandbox.url,
      appId: harness.sandbox.sandbox.appId,
      locationId,
      token: harness.sandbox.sandbox.issueToken({ locationId, ttlSeconds: 86_400 }).accessToken,
      eventUrl: EVENT_URL,
      eventName: EVENT_NAME,
      leaseMs: 5_000,
      concurrency: 2,
      liveWorkflows: true,
    });
    await worker.ready;
  });
  afterAll(async () => {
    worker?.stop();
    await worker?.exit;
    await intake?.close();
    await harness?.close();
  });

  /** The welcome step's rendered input and the run's version, once the child has finished the run. */
  async function welcomeOf(n: number): Promise<{ message: string; version: number | null }> {
    const email = `ada.live.${n}@example.com`;
    const deadline = Date.now() + RUN_BOUND_MS;
    for (;;) {
      const runs = await harness.database.store.db
        .selectFrom('workflow_runs')
        .select(['id', 'status', 'version', 'input'])
        .where('workflow', '=', 'registration-welcome')
        .where('status', '=', 'completed')
        .execute();
      const run = runs.find((r) => r.input.includes(email));
      if (run) {
        const step = await harness.database.store.db
          .selectFrom('run_steps')
          .select('input')
          .where('run_id', '=', run.id)
          .where('step', '=', 'welcome')
          .executeTakeFirstOrThrow();
        const input = JSON.parse(step.input ?? '{}') as { message?: string; html?: string };
        return { message: input.message ?? input.html ?? '', version: run.version };
      }
      if (Date.now() > deadline) throw new Error(`no completed welcome for ${email}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('welcomes with the edited text after the edit, in the same running process', async () => {
    expect(await post(hookUrl, registrationBody(1, 'live'))).toBe(202);
    const before = await welcomeOf(1);
    expect(before).toMatchObject({ version: null });
    expect(before.message).not.toContain(MARKER);

    const admin = harness.auth('admin');
    const builtin = (await harness.app.inject({ url: '/api/workflows/registration-welcome', headers: admin })).json();
    const templates = Object.fromEntries(
      Object.entries(builtin.definition.templates as Record<string, string>).map(([key, text]) => [
        key,
        key === 'subject' ? text : `${text} (${MARKER})`,
      ]),
    );
    const saved = await harness.app.inject({
      method: 'PUT',
      url: '/api/workflows/registration-welcome',
      headers: admin,
      payload: { ...builtin.definition, templates },
    });
    expect(saved.statusCode).toBe(200);
    // A process re-reads the saved workflows at most DEFAULT_WORKFLOW_CHECK_MS after its last check: the
    // promise is "within seconds", so the next registration comes once that interval is over.
    await new Promise((resolve) => setTimeout(resolve, DEFAULT_WORKFLOW_CHECK_MS + 100));

    expect(await post(hookUrl, registrationBody(2, 'live'))).toBe(202);
    const after = await welcomeOf(2);
    expect(after.version).toBe(saved.json().version);
    expect(after.message).toContain(MARKER);
    expect(worker.pid).toBeDefined();
  });
});
