/**
 * `parley dlq list [--json]` and `parley dlq replay [<jobId> | --all]`: the dead-letter view of the
 * job queue, like pg-boss's dead letters and redrive
 * (https://github.com/timgit/pg-boss/blob/HEAD/docs/api/queues.md). A replayed job goes back to
 * pending with its attempts reset, so it gets the full retry budget again. Opens the database only:
 * the queue needs no vault.
 */
import type { Command } from 'commander';
import type { CommandIo } from '../../app/command-io.js';
import { withStoreRuntime } from '../../app/open-store-runtime.js';
import { QueueError } from '../../queue/queue-error.js';
import type { DeadJob, Queue } from '../../queue/types.js';
import type { Store } from '../../store/open-database.js';
import { CliError } from '../cli-error.js';
import { commandIo } from '../command-output.js';
import { oneLine, textTable } from '../text-table.js';
import { withCliErrors } from '../to-cli-error.js';

export interface DlqListOptions {
  json?: boolean;
  /** Default 100. */
  limit?: number;
}

export interface DlqReplayOptions {
  all?: boolean;
}

const ERROR_COLUMN_MAX = 80;

export function register(program: Command): void {
  const dlq = program.command('dlq').description('jobs that failed for good: list them, replay them');
  dlq
    .command('list')
    .description('list dead-lettered jobs, newest first')
    .option('--json', 'print JSON (includes each job payload)')
    .option('--limit <n>', 'show at most this many', parseLimit, 100)
    .action(async function (this: Command, options: DlqListOptions) {
      await runDlqList(options, commandIo(this));
    });
  dlq
    .command('replay')
    .description('move a dead job (or every dead job) back to the queue with its attempts reset')
    .argument('[jobId]', 'the job to replay (see `parley dlq list`)')
    .option('--all', 'replay every dead job')
    .action(async function (this: Command, jobId: string | undefined, options: DlqReplayOptions) {
      await runDlqReplay(jobId, options, commandIo(this));
    });
}

export async function runDlqList(options: DlqListOptions, io: CommandIo): Promise<void> {
  await withQueueStore(io, async ({ queue }) => {
    const dead = await queue.listDead({ limit: options.limit ?? 100 });
    if (options.json === true) {
      io.write(`${JSON.stringify(dead.map(toJsonView), null, 2)}\n`);
      return;
    }
    if (dead.length === 0) {
      io.write('No dead jobs.\n');
      return;
    }
    io.write(formatTable(dead));
    io.write(
      `\n${dead.length} dead job${dead.length === 1 ? '' : 's'}. Replay with: parley dlq replay <jobId> | --all\n`,
    );
  });
}

export async function runDlqReplay(jobId: string | undefined, options: DlqReplayOptions, io: CommandIo): Promise<void> {
  if (jobId !== undefined && options.all === true) {
    throw new CliError('invalid_argument', 'give either a job id or --all, not both', { exitCode: 2 });
  }
  if (jobId === undefined && options.all !== true) {
    throw new CliError('invalid_argument', 'give the id of a dead job (see `parley dlq list`), or --all', {
      exitCode: 2,
    });
  }
  await withQueueStore(io, async ({ store, queue }) => {
    if (jobId === undefined) {
      const replayed = await queue.replay();
      io.write(`Replayed ${replayed} dead job${replayed === 1 ? '' : 's'}.\n`);
      return;
    }
    const replayed = await queue.replay(jobId);
    if (replayed === 0) await explainNotReplayed(store, jobId);
    io.write(`Replayed job ${jobId}: it runs again with a fresh retry budget.\n`);
  });
}

async function explainNotReplayed(store: Store, jobId: string): Promise<never> {
  const row = await store.db.selectFrom('jobs').select('status').where('id', '=', jobId).executeTakeFirst();
  if (row === undefined) throw new CliError('job_not_found', `no job with id ${jobId} (see \`parley dlq list\`)`);
  throw new CliError('job_not_dead', `job ${jobId} is ${row.status}, not dead; only dead jobs can be replayed`);
}

async function withQueueStore(
  io: CommandIo,
  body: (parts: { store: Store; queue: Queue }) => Promise<void>,
): Promise<void> {
  await withCliErrors(async () => {
    await withStoreRuntime(io, async ({ store, queue }) => {
      try {
        await body({ store, queue });
      } catch (error) {
        if (error instanceof QueueError) throw new CliError(error.code, error.message);
        throw error;
      }
    });
  });
}

function toJsonView(job: DeadJob): Record<string, unknown> {
  return {
    ...job,
    runAt: new Date(job.runAt).toISOString(),
    finishedAt: job.finishedAt === null ? null : new Date(job.finishedAt).toISOString(),
  };
}

function formatTable(jobs: DeadJob[]): string {
  const rows = jobs.map((job) => [
    job.id,
    job.kind,
    `${job.attempts}/${job.maxAttempts}`,
    job.finishedAt === null ? '-' : new Date(job.finishedAt).toISOString(),
    oneLine(job.lastError ?? '-', ERROR_COLUMN_MAX),
  ]);
  return textTable(['ID', 'KIND', 'ATTEMPTS', 'DIED AT', 'LAST ERROR'], rows);
}

function parseLimit(value: string): number {
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1) {
    throw new CliError('invalid_argument', `--limit must be a positive integer; got "${value}"`, { exitCode: 2 });
  }
  return limit;
}
