/**
 * Workflow run retention on both databases: runs and steps are seeded with SQL at known ages, the
 * `runs.retention` job runs through the real queue on a fixed clock, and what is left is read back.
 */
import { expect, it } from 'vitest';
import { composeJobs } from '../../src/app/compose-jobs.js';
import { createLocationResolver } from '../../src/jobs/location-resolver.js';
import { createRunRetention, RUN_RETENTION_JOB, type RunRetention } from '../../src/jobs/run-retention.js';
import { createQueue } from '../../src/queue/create-queue.js';
import type { Store } from '../../src/store/open-database.js';
import type { WorkflowRunsTable } from '../../src/store/schema.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { silent } from './pipeline-world.js';

const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.UTC(2026, 5, 1, 12);

type Seed = Pick<WorkflowRunsTable, 'id' | 'status'> & { startedDaysAgo: number; finishedDaysAgo: number | null };

/** Seeds runs (two completed steps each) aged relative to `at`. */
async function seedRuns(store: Store, runs: readonly Seed[], at = NOW): Promise<void> {
  await store.db
    .insertInto('workflow_runs')
    .values(
      runs.map((run) => ({
        id: run.id,
        workflow: 'registration-welcome',
        trigger_key: `registration-welcome:${run.id}`,
        status: run.status,
        input: '{}',
        error: run.status === 'failed' ? 'step welcome: server_error' : null,
        started_at: at - run.startedDaysAgo * DAY,
        finished_at: run.finishedDaysAgo === null ? null : at - run.finishedDaysAgo * DAY,
        version: null,
      })),
    )
    .execute();
  await store.db
    .insertInto('run_steps')
    .values(
      runs.flatMap((run) =>
        ['contact', 'welcome'].map((step) => ({
          run_id: run.id,
          step,
          status: 'completed' as const,
          output: '{}',
          started_at: at - run.startedDaysAgo * DAY,
          finished_at: at - run.startedDaysAgo * DAY,
          input: null,
        })),
      ),
    )
    .execute();
}

async function remaining(store: Store, prefix: string): Promise<{ runs: string[]; steps: string[] }> {
  const runs = await store.db.selectFrom('workflow_runs').select('id').where('id', 'like', `${prefix}%`).execute();
  const steps = await store.db
    .selectFrom('run_steps')
    .select(['run_id', 'step'])
    .where('run_id', 'like', `${prefix}%`)
    .execute();
  return {
    runs: runs.map((r) => r.id).sort(),
    steps: [...new Set(steps.map((s) => s.run_id))].sort(),
  };
}

describeEachDatabase('workflow run retention', (getStore) => {
  /** Runs every due retention job as a worker would; answers how many ran. */
  async function runDue(retention: RunRetention, queue: ReturnType<typeof createQueue>): Promise<number> {
    const jobs = await queue.claim('test-worker', { limit: 10, leaseMs: 60_000, kinds: [RUN_RETENTION_JOB] });
    for (const job of jobs) {
      await retention.handlers[RUN_RETENTION_JOB](job, {
        signal: new AbortController().signal,
        workerId: 'test-worker',
      });
      await queue.complete(job.id, 'test-worker');
    }
    return jobs.length;
  }

  it('deletes old finished runs with their steps and keeps running and recent ones', async () => {
    const store = getStore();
    await seedRuns(store, [
      { id: 'keep-old-running', status: 'running', startedDaysAgo: 45, finishedDaysAgo: null },
      { id: 'keep-recent', status: 'completed', startedDaysAgo: 2, finishedDaysAgo: 2 },
      // Started long ago, finished yesterday (a retry): recent history.
      { id: 'keep-retried', status: 'completed', startedDaysAgo: 45, finishedDaysAgo: 1 },
      { id: 'keep-old-completed-cutoff', status: 'completed', startedDaysAgo: 29, finishedDaysAgo: 29 },
      { id: 'old-completed', status: 'completed', startedDaysAgo: 31, finishedDaysAgo: 31 },
      { id: 'old-failed', status: 'failed', startedDaysAgo: 40, finishedDaysAgo: null },
      { id: 'old-skipped', status: 'skipped', startedDaysAgo: 90, finishedDaysAgo: 90 },
    ]);
    const queue = createQueue({ store, now: () => NOW });
    const retention = createRunRetention({ queue, db: store.db, days: 30, logger: silent, now: () => NOW });
    await retention.schedule();
    expect(await runDue(retention, queue)).toBe(1);

    const kept = ['keep-old-completed-cutoff', 'keep-old-running', 'keep-recent', 'keep-retried'];
    expect(await remaining(store, 'keep-')).toEqual({ runs: kept, steps: kept });
    expect(await remaining(store, 'old-')).toEqual({ runs: [], steps: [] });
  });

  it('schedules the next day’s job from each job, once however often it is scheduled', async () => {
    const store = getStore();
    // A day of its own: the suite's tests share one queue table.
    const at = NOW + 10 * DAY;
    const queue = createQueue({ store, now: () => at });
    const retention = createRunRetention({ queue, db: store.db, days: 30, logger: silent, now: () => at });
    await retention.schedule();
    await retention.schedule();
    await runDue(retention, queue);
    const pending = await store.db
      .selectFrom('jobs')
      .select(['run_at', 'dedupe_key'])
      .where('kind', '=', RUN_RETENTION_JOB)
      .where('status', '=', 'pending')
      .execute();
    const nextDay = (Math.floor(at / DAY) + 1) * DAY;
    expect(pending.map((job) => Number(job.run_at))).toEqual([nextDay]);
  });

  it('deletes every old run when there are more than one batch of them', async () => {
    const store = getStore();
    const many = Array.from({ length: 1_234 }, (_, n) => ({
      id: `bulk-${String(n).padStart(4, '0')}`,
      status: 'completed' as const,
      startedDaysAgo: 60,
      finishedDaysAgo: 60,
    }));
    const at = NOW + 20 * DAY;
    for (let i = 0; i < many.length; i += 400) await seedRuns(store, many.slice(i, i + 400), at);
    const queue = createQueue({ store, now: () => at });
    const retention = createRunRetention({ queue, db: store.db, days: 30, logger: silent, now: () => at });
    await retention.schedule();
    await runDue(retention, queue);
    expect(await remaining(store, 'bulk-')).toEqual({ runs: [], steps: [] });
  });

  it('keeps every run when retentionDays is null', async () => {
    const store = getStore();
    const at = NOW + 30 * DAY;
    await seedRuns(store, [{ id: 'forever-old', status: 'completed', startedDaysAgo: 400, finishedDaysAgo: 400 }], at);
    const queue = createQueue({ store, now: () => at });
    const retention = createRunRetention({ queue, db: store.db, days: null, logger: silent, now: () => at });
    await retention.schedule();
    expect(await runDue(retention, queue)).toBeGreaterThanOrEqual(1);
    expect(await remaining(store, 'forever-')).toEqual({ runs: ['forever-old'], steps: ['forever-old'] });
  });

  it('runs on start in the pipeline composeJobs builds with runRetentionDays', async () => {
    const store = getStore();
    await seedRuns(
      store,
      [
        { id: 'wired-old', status: 'failed', startedDaysAgo: 10, finishedDaysAgo: null },
        { id: 'wired-running', status: 'running', startedDaysAgo: 10, finishedDaysAgo: null },
      ],
      Date.now(),
    );
    const pipeline = composeJobs({
      store,
      auth: { getAccessToken: async () => 'unused' },
      // Nothing here calls HighLevel.
      baseUrl: 'http://127.0.0.1:9',
      appId: 'test-app',
      workflows: [],
      locations: createLocationResolver({ defaultLocationId: null }),
      logger: silent,
      pollMs: 25,
      runRetentionDays: 7,
    });
    pipeline.start();
    try {
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline && (await remaining(store, 'wired-')).runs.length > 1) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(await remaining(store, 'wired-')).toEqual({ runs: ['wired-running'], steps: ['wired-running'] });
    } finally {
      await pipeline.stop({ graceMs: 1_000 });
    }
  });
});
