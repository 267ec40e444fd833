/**
 * The crash test: the worker SIGKILLed at 10 random points during the 500
 * registration run, then restarted, loses none and duplicates none. On SQLite and on PostgreSQL.
 *
 * This process runs the HighLevel sandbox and parley's intake route on real ports and posts the
 * registrations (10 % delivered twice, later some replayed). The worker runs in a child process
 * (fixtures/worker-process.ts) on the same database with a 2 s lease, so a killed worker's jobs are
 * claimed again soon after. Each kill comes 0.5–2 s (seeded) after a worker reports ready, while jobs
 * remain; the eleventh worker drains the queue and stops gracefully.
 */
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAcceleventsWebhookRoute } from '../../src/intake/accelevents-webhook-route.js';
import { createAcceleventsWebhookSecret } from '../../src/intake/webhook-secret.js';
import { createQueue } from '../../src/queue/create-queue.js';
import type { Queue } from '../../src/queue/types.js';
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { type SandboxHandle, withSandbox } from '../helpers/sandbox.js';
import { seededRandom } from '../helpers/seeded-random.js';
import { compileWorkerProcess, spawnWorkerProcess, type WorkerProcess } from './fixtures/spawn-worker.js';
import { EVENT_NAME, EVENT_URL, postAll, registrationBody, silent } from './pipeline-world.js';

const KILLS = 10;
const SEED = Number(process.env.PARLEY_CRASH_SEED ?? 20260404);
const LEASE_MS = 2_000;
/** Hard bound for one database's whole run; the test fails rather than hang (PARLEY_CRASH_BOUND_MS on a slow machine). */
const RUN_BOUND_MS = Number(process.env.PARLEY_CRASH_BOUND_MS ?? 120_000);

let handle: SandboxHandle;
/** The worker compiled once: the test starts it 22 times (test/helpers/compiled-child.ts). */
let compiledWorker: string;
beforeAll(async () => {
  compiledWorker = await compileWorkerProcess();
  // 150 calls per second (about 30 welcome flows) stretches the run over the ten kills, so every kill
  // lands while jobs remain; the scheduler reads the limit from the sandbox's X-RateLimit-* headers.
  handle = await withSandbox({ attendees: 1, burstLimit: 150, burstIntervalMs: 1_000, dailyLimit: 10_000_000 });
});
afterAll(async () => {
  // A killed worker's requests may leave sockets open; close would wait for them.
  handle.sandbox.app.server.closeAllConnections();
  await handle.close();
  if (compiledWorker) await rm(dirname(compiledWorker), { recursive: true, force: true });
});

interface KillRecord {
  afterMs: number;
  /** Jobs the killed worker held: `running` under a lock no earlier snapshot saw. */
  jobsInFlight: number;
  /** Journal rows `started` that no earlier snapshot saw: a step's action was under way at the kill. */
  stepsStarted: number;
}

/** What was in flight once a killed worker is gone, as keys: `jobId@worker` and `runId/step`. */
async function inFlight(database: TestDatabase): Promise<{ jobs: Set<string>; steps: Set<string> }> {
  const jobs = await database.store.db
    .selectFrom('jobs')
    .select(['id', 'locked_by'])
    .where('status', '=', 'running')
    .execute();
  const steps = await database.store.db
    .selectFrom('run_steps')
    .select(['run_id', 'step'])
    .where('status', '=', 'started')
    .execute();
  return {
    jobs: new Set(jobs.map((j) => `${j.id}@${j.locked_by}`)),
    steps: new Set(steps.map((r) => `${r.run_id}/${r.step}`)),
  };
}

/** Polls until nothing is pending or running (a bound, not a timing assertion). */
async function drainedQueue(queue: Queue, boundMs: number): Promise<void> {
  const deadline = Date.now() + boundMs;
  for (;;) {
    const counts = await queue.counts();
    if (counts.pending === 0 && counts.running === 0) return;
    if (Date.now() > deadline) throw new Error(`queue not drained: ${JSON.stringify(counts)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

for (const kind of DATABASE_KINDS) {
  describe(`crash and restart [${kind}]`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    let queue: Queue;
    let hookUrl: string;
    let current: WorkerProcess | undefined;

    beforeAll(async () => {
      database = await openTestDatabase(kind);
      queue = createQueue({ store: database.store });
      app = Fastify({ logger: false });
      await registerAcceleventsWebhookRoute(app, { db: database.store.db, queue, logger: silent });
      const secret = await createAcceleventsWebhookSecret(database.store.db);
      hookUrl = `${await app.listen({ port: 0, host: '127.0.0.1' })}/hooks/accelevents/${secret}`;
    });
    afterAll(async () => {
      if (current) {
        current.kill();
        await current.exit;
      }
      await app?.close();
      await database?.dispose();
    });

    it(
      'welcomes every registration exactly once when the worker is SIGKILLed at 10 random points',
      async () => {
        const started = Date.now();
        const rateLimitedBefore = handle.sandbox.stats.rateLimited;
        const random = seededRandom(SEED + (kind === 'postgres' ? 1 : 0));
        const state = handle.sandbox.domain!.state;
        const locationId = handle.sandbox.addLocation({ attendees: 1 }).location.id;
        const token = handle.sandbox.issueToken({ locationId }).accessToken;
        const seeded = state.counts(locationId);
        const startWorker = async (): Promise<WorkerProcess> => {
          current = spawnWorkerProcess({
            database: database.location,
            sandboxUrl: handle.url,
            appId: handle.sandbox.appId,
            locationId,
            token,
            eventUrl: EVENT_URL,
            eventName: EVENT_NAME,
            leaseMs: LEASE_MS,
            concurrency: 16,
            compiled: compiledWorker,
          });
          await current.ready;
          return current;
        };

        const bodies = Array.from({ length: 500 }, (_, n) => registrationBody(n, `crash-${kind}`));
        const duplicates = bodies.filter((_, n) => n % 10 === 0);
        let worker = await startWorker();
        // Deliveries arrive while the worker runs (and dies): the first copies and concurrent duplicates.
        const posting = postAll(hookUrl, [...bodies, ...duplicates], 16);
        let replaying: Promise<number[]> | undefined;

        const kills: KillRecord[] = [];
        const seen = { jobs: new Set<string>(), steps: new Set<string>() };
        for (let i = 0; i < KILLS; i++) {
          const afterMs = 500 + Math.floor(random() * 1_500);
          await new Promise((resolve) => setTimeout(resolve, afterMs));
          const counts = await queue.counts();
          if (counts.pending + counts.running === 0) {
            throw new Error(`the run ended before kill ${i + 1} of ${KILLS}; slow the sandbox down`);
          }
          worker.kill();
          const exit = await worker.exit;
          expect(exit.signal).toBe('SIGKILL');
          // Jobs of earlier killed workers whose lease has not run out yet are still `running`; only
          // what no earlier snapshot saw belongs to this kill.
          const snapshot = await inFlight(database);
          kills.push({
            afterMs,
            jobsInFlight: [...snapshot.jobs].filter((key) => !seen.jobs.has(key)).length,
            stepsStarted: [...snapshot.steps].filter((key) => !seen.steps.has(key)).length,
          });
          for (const key of snapshot.jobs) seen.jobs.add(key);
          for (const key of snapshot.steps) seen.steps.add(key);
          // Halfway, replays of already delivered bodies join in.
          if (i === KILLS / 2)
            replaying = posting.then(() =>
              postAll(
                hookUrl,
                bodies.filter((_, n) => n % 7 === 0),
              ),
            );
          worker = await startWorker();
          if (Date.now() - started > RUN_BOUND_MS) throw new Error('crash run exceeded its bound');
        }

        const statuses = await posting;
        expect(statuses.filter((s) => s === 202)).toHaveLength(500);
        expect(statuses.filter((s) => s === 200)).toHaveLength(50);
        const replayed = (await replaying) ?? [];
        expect(replayed.length).toBeGreaterThan(0);
        expect(replayed.every((s) => s === 200)).toBe(true);

        // The last worker drains the queue and stops gracefully.
        await drainedQueue(queue, Math.max(10_000, RUN_BOUND_MS - (Date.now() - started)));
        worker.stop();
        expect((await worker.exit).code).toBe(0);
        current = undefined;

        const counts = await queue.counts();
        expect(counts).toMatchObject({ dead: 0, pending: 0, running: 0 });

        // Exactly 500 conversations (and contacts) and one welcome per contact, none twice.
        const now = state.counts(locationId);
        expect(now.contacts - seeded.contacts).toBe(500);
        expect(now.conversations - seeded.conversations).toBe(500);
        const welcomes = state.messages
          .inLocation(locationId)
          .filter((m) => m.direction === 'outbound' && m.body.includes('thanks for registering for'));
        const perContact = new Map<string, number>();
        for (const m of welcomes) perContact.set(m.contactId, (perContact.get(m.contactId) ?? 0) + 1);
        expect(welcomes).toHaveLength(500);
        expect(perContact.size).toBe(500);
        expect([...perContact.values()].every((n) => n === 1)).toBe(true);

        const links = await database.store.db.selectFrom('attendee_links').selectAll().execute();
        expect(links).toHaveLength(500);
        const welcomeIds = new Map(welcomes.map((m) => [m.id, m]));
        for (const link of links) {
          expect(link.contact_id).toBeTruthy();
          expect(link.conversation_id).toBeTruthy();
          const welcome = welcomeIds.get(link.welcome_message_id ?? '');
          expect(welcome?.contactId).toBe(link.contact_id);
          expect(welcome?.conversationId).toBe(link.conversation_id);
        }

        // The kills landed mid-flight: jobs were in flight, and some were claimed again after one.
        const retried = await database.store.db
          .selectFrom('jobs')
          .select(({ fn }) => fn.countAll<number>().as('n'))
          .where('attempts', '>', 1)
          .executeTakeFirstOrThrow();
        const recovered = await database.store.db
          .selectFrom('run_steps')
          .select(({ fn }) => fn.countAll<number>().as('n'))
          .where('output', 'like', '%"recoveredByGuard":true%')
          .executeTakeFirstOrThrow();
        const jobsInFlight = kills.reduce((sum, k) => sum + k.jobsInFlight, 0);
        const stepsStarted = kills.reduce((sum, k) => sum + k.stepsStarted, 0);
        console.info(
          `crash [${kind}]: ${kills.length} kills (after ${kills.map((k) => k.afterMs).join(', ')} ms), ` +
            `${kills.filter((k) => k.jobsInFlight > 0).length} of them mid-job, ${jobsInFlight} jobs and ${stepsStarted} journaled steps in flight at the kills ` +
            `(per kill: ${kills.map((k) => `${k.jobsInFlight}/${k.stepsStarted}`).join(' ')}), ` +
            `${Number(retried.n)} jobs claimed more than once, ${Number(recovered.n)} send-guard recoveries, ` +
            `${handle.sandbox.stats.rateLimited - rateLimitedBefore} sandbox 429s, ${Date.now() - started} ms`,
        );
        expect(kills).toHaveLength(KILLS);
        expect(jobsInFlight).toBeGreaterThan(0);
        expect(Number(retried.n)).toBeGreaterThan(0);
      },
      RUN_BOUND_MS + 30_000,
    );
  });
}
