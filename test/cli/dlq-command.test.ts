/**
 * `parley dlq list|replay` against a real database the command opens itself from the environment
 * (PARLEY_DATA_DIR for SQLite, DATABASE_URL for Postgres).
 */
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandIo } from '../../src/app/command-io.js';
import { register, runDlqList, runDlqReplay } from '../../src/cli/commands/dlq.js';
import { createQueue } from '../../src/queue/create-queue.js';
import type { Queue } from '../../src/queue/types.js';
import { DATABASE_KINDS, openTestDatabase, storeEnv, type TestDatabase } from '../helpers/databases.js';
import { cliRejection } from '../helpers/run-command.js';
import { jobRow } from '../queue/queue-world.js';

const DIED_AT = Date.UTC(2025, 4, 6, 9, 30, 0);

async function killJob(queue: Queue, kind: string, message: string): Promise<string> {
  const { id } = await queue.enqueue({ kind, payload: { attendeeId: 'a-1' }, maxAttempts: 3 });
  await queue.claim('w', { limit: 1, leaseMs: 1_000, kinds: [kind] });
  await queue.fail(id, 'w', new Error(message), { retryable: false });
  return id;
}

for (const kind of DATABASE_KINDS) {
  describe(`parley dlq [${kind}]`, () => {
    let database: TestDatabase;
    let out = '';
    const io = (): CommandIo => {
      out = '';
      const env = storeEnv(database);
      const write = (text: string): void => {
        out += text;
      };
      return { env, write, now: () => DIED_AT + 60_000 };
    };
    beforeAll(async () => {
      database = await openTestDatabase(kind);
    });
    afterAll(async () => {
      await database?.dispose();
    });

    it('says so when there are no dead jobs', async () => {
      await runDlqList({}, io());
      expect(out).toBe('No dead jobs.\n');
    });

    /** Empties the queue, then leaves two dead jobs in it: a welcome and a backfill. */
    async function twoDeadJobs() {
      await database.store.db.deleteFrom('jobs').execute();
      const queue = createQueue({ store: database.store, now: () => DIED_AT });
      const welcome = await killJob(queue, 'welcome', 'HighLevel 422:\n  phone is invalid');
      const backfill = await killJob(queue, 'backfill', 'Accelevents 404: event not found');
      return { welcome, backfill };
    }

    it('lists dead jobs as a table', async () => {
      await twoDeadJobs();
      await runDlqList({}, io());
      const lines = out.split('\n');
      expect(lines[0]).toMatch(/^ID\s+KIND\s+ATTEMPTS\s+DIED AT\s+LAST ERROR$/);
      expect(out).toContain('welcome');
      expect(out).toContain('1/3');
      expect(out).toContain('2025-05-06T09:30:00.000Z');
      expect(out).toContain('HighLevel 422: phone is invalid');
      expect(out).toContain('2 dead jobs. Replay with: parley dlq replay <jobId> | --all');
    });

    it('lists dead jobs as JSON', async () => {
      const { welcome, backfill } = await twoDeadJobs();
      await runDlqList({ json: true }, io());
      const listed = JSON.parse(out) as { id: string; payload: unknown; finishedAt: string }[];
      expect(listed.map((job) => job.id).sort()).toEqual([welcome, backfill].sort());
      expect(listed[0]).toMatchObject({ payload: { attendeeId: 'a-1' }, finishedAt: '2025-05-06T09:30:00.000Z' });
    });

    it('replays one dead job by id with a fresh retry budget', async () => {
      const { welcome } = await twoDeadJobs();
      await runDlqReplay(welcome, {}, io());
      expect(out).toBe(`Replayed job ${welcome}: it runs again with a fresh retry budget.\n`);
      expect(await jobRow(database.store, welcome)).toMatchObject({
        status: 'pending',
        attempts: 0,
        run_at: DIED_AT + 60_000,
      });
    });

    it('refuses to replay a job that is not dead', async () => {
      const { welcome } = await twoDeadJobs();
      await runDlqReplay(welcome, {}, io());
      const replayAgain = await cliRejection(runDlqReplay(welcome, {}, io()));
      expect(replayAgain).toMatchObject({
        code: 'job_not_dead',
        message: `job ${welcome} is pending, not dead; only dead jobs can be replayed`,
      });
    });

    it('refuses to replay a job that does not exist', async () => {
      expect(await cliRejection(runDlqReplay('no-such-job', {}, io()))).toMatchObject({ code: 'job_not_found' });
    });

    it('replays every job still dead with --all', async () => {
      const { welcome } = await twoDeadJobs();
      await runDlqReplay(welcome, {}, io());
      await runDlqReplay(undefined, { all: true }, io());
      expect(out).toBe('Replayed 1 dead job.\n');
      await runDlqList({}, io());
      expect(out).toBe('No dead jobs.\n');
    });
  });
}

describe('parley dlq replay arguments', () => {
  it('asks for a job id or --all with exit code 2', async () => {
    const program = new Command().exitOverride();
    register(program);
    const missing = await cliRejection(program.parseAsync(['node', 'parley', 'dlq', 'replay']));
    expect(missing).toMatchObject({ code: 'invalid_argument', exitCode: 2 });
    expect(missing.message).toBe('give the id of a dead job (see `parley dlq list`), or --all');
  });

  it('refuses a job id together with --all', async () => {
    const both = await cliRejection(runDlqReplay('job-1', { all: true }, { env: {}, write: () => {} }));
    expect(both.message).toBe('give either a job id or --all, not both');
  });
});
