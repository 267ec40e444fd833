/**
 * The durable job queue over the `jobs` table, one
 * implementation for SQLite and Postgres. At-least-once: complete, fail and heartbeat only act for
 * the worker that holds the lease, so a worker whose lease was taken over cannot finish someone
 * else's run.
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import { compiledStatement, runStatement } from '../store/compiled-statement.js';
import type { DialectName } from '../store/open-database.js';
import type { Database } from '../store/schema.js';
import { newSortableId } from '../store/sortable-id.js';
import { type BackoffOptions, createBackoff } from './backoff.js';
import { claimJobs } from './claim-jobs.js';
import { toDeadJob, toJob } from './job-row.js';
import * as statements from './job-statements.js';
import { createJobWakeups, JOBS_CHANNEL, type JobWakeups } from './job-wakeups.js';
import { QueueError } from './queue-error.js';
import type { DeadJob, EnqueueInput, Job, Queue } from './types.js';
import { validateEnqueueInput } from './validate-enqueue-input.js';

export interface CreateQueueOptions {
  /** `{ db, dialect }` from openDatabase. */
  store: { db: Kysely<Database>; dialect: DialectName };
  /** Epoch ms. Default Date.now. */
  now?: () => number;
  /** [0, 1); drives the backoff jitter. Default Math.random. */
  random?: () => number;
  /** Default newSortableId (UUIDv7). */
  newId?: () => string;
  backoff?: BackoffOptions;
  /** This process's wake-up hub (job-wakeups.ts). Default: a new one, exposed as `queue.wakeups`. */
  wakeups?: JobWakeups;
}

export const DEFAULT_MAX_ATTEMPTS = 10;
/** last_error is for a person reading `parley dlq list`; a stack-sized message would bury the table. */
const LAST_ERROR_MAX_CHARS = 1_000;
const DEFAULT_DEAD_LIST_LIMIT = 100;
/**
 * How often a claim first dead-letters the jobs whose lease ran out on their last attempt. Such a job
 * is never claimed again (the lanes skip spent attempts), so the sweep only updates its status; before
 * every claim it was about one statement in 40 of a welcome's on PostgreSQL (docs/benchmarks.md, scale).
 */
const DEAD_LETTER_SWEEP_MS = 1_000;

export function createQueue(options: CreateQueueOptions): Queue {
  const { store } = options;
  if (store?.db === undefined || (store.dialect !== 'sqlite' && store.dialect !== 'postgres')) {
    throw new QueueError('invalid_argument', 'createQueue needs store: { db, dialect } from openDatabase');
  }
  const { db, dialect } = store;
  const now = options.now ?? Date.now;
  const newId = options.newId ?? newSortableId;
  const backoff = createBackoff(options.backoff, options.random);
  const wakeups = options.wakeups ?? createJobWakeups();
  let lastSweep = Number.NEGATIVE_INFINITY;

  /**
   * Wakes idle workers for the jobs just written, if any is due now (a later run_at waits for a poll).
   * PostgreSQL: NOTIFY on the caller's executor, so it is delivered when that transaction commits
   * (https://www.postgresql.org/docs/current/sql-notify.html); the listeners wake the workers.
   * SQLite: this process's workers directly (job-wakeups.ts says why that is after the commit).
   */
  async function announce(
    executor: Kysely<Database> | Transaction<Database>,
    written: readonly { kind: string; run_at: number }[],
    at: number,
  ): Promise<void> {
    const kinds = new Set(written.flatMap((row) => (row.run_at <= at ? [row.kind] : [])));
    if (kinds.size === 0) return;
    if (dialect === 'sqlite') {
      wakeups.notify(kinds);
      return;
    }
    for (const kind of kinds) await sql`select pg_notify(${JOBS_CHANNEL}, ${kind})`.execute(executor);
  }

  function jobValues(input: EnqueueInput, at: number) {
    const valid = validateEnqueueInput(input);
    return {
      id: newId(),
      kind: valid.kind,
      payload: valid.payloadJson,
      priority: valid.priority,
      run_at: valid.runAt ?? at,
      status: 'pending' as const,
      attempts: 0,
      max_attempts: valid.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      dedupe_key: valid.dedupeKey ?? null,
      created_at: at,
      updated_at: at,
    };
  }

  async function enqueue(
    input: EnqueueInput,
    executor: Kysely<Database> | Transaction<Database> = db,
  ): Promise<{ id: string; created: boolean }> {
    const [result] = await enqueueMany([input], executor);
    return result as { id: string; created: boolean };
  }

  async function claim(
    workerId: string,
    claimOptions: { limit: number; leaseMs: number; kinds?: string[] },
  ): Promise<Job[]> {
    requireWorkerId(workerId);
    requirePositiveInteger('limit', claimOptions.limit);
    requirePositiveInteger('leaseMs', claimOptions.leaseMs);
    const at = now();
    const sweep = at - lastSweep >= DEAD_LETTER_SWEEP_MS;
    if (sweep) lastSweep = at;
    const rows = await claimJobs(db, dialect, {
      workerId,
      limit: claimOptions.limit,
      leaseMs: claimOptions.leaseMs,
      kinds: claimOptions.kinds,
      now: at,
      sweep,
    });
    return rows.map(toJob);
  }

  async function heartbeat(jobId: string, workerId: string, leaseMs: number): Promise<boolean> {
    requirePositiveInteger('leaseMs', leaseMs);
    const at = now();
    const statement = compiledStatement(db, 'jobs.heartbeat', statements.heartbeatJob, 4);
    const result = await runStatement(db, statement, [at + leaseMs, at, jobId, workerId]);
    return (result.numAffectedRows ?? 0n) > 0n;
  }

  async function complete(jobId: string, workerId: string): Promise<void> {
    const statement = compiledStatement(db, 'jobs.complete', statements.completeJob, 3);
    const result = await runStatement(db, statement, [now(), jobId, workerId]);
    if ((result.numAffectedRows ?? 0n) === 0n) throw leaseLost(jobId, workerId, 'complete');
  }

  async function fail(
    jobId: string,
    workerId: string,
    error: Error,
    failOptions: { retryable: boolean },
  ): Promise<'retry' | 'dead'> {
    const row = await db
      .selectFrom('jobs')
      .select(['attempts', 'max_attempts'])
      .where('id', '=', jobId)
      .where('locked_by', '=', workerId)
      .where('status', '=', 'running')
      .executeTakeFirst();
    if (row === undefined) throw leaseLost(jobId, workerId, 'fail');
    const at = now();
    const lastError = describeError(error);
    const retry = failOptions.retryable && row.attempts < row.max_attempts;
    const values = retry
      ? {
          status: 'pending' as const,
          run_at: at + backoff.delayMs(row.attempts),
          locked_by: null,
          locked_until: null,
          last_error: lastError,
          updated_at: at,
        }
      : { status: 'dead' as const, locked_until: null, last_error: lastError, finished_at: at, updated_at: at };
    // The same guard again: the lease may have been taken over between the read and this write.
    const result = await db
      .updateTable('jobs')
      .set(values)
      .where('id', '=', jobId)
      .where('locked_by', '=', workerId)
      .where('status', '=', 'running')
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw leaseLost(jobId, workerId, 'fail');
    return retry ? 'retry' : 'dead';
  }

  async function listDead(listOptions: { limit?: number } = {}): Promise<DeadJob[]> {
    const limit = listOptions.limit ?? DEFAULT_DEAD_LIST_LIMIT;
    requirePositiveInteger('limit', limit);
    const rows = await db
      .selectFrom('jobs')
      .selectAll()
      .where('status', '=', 'dead')
      .orderBy('finished_at', 'desc')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toDeadJob);
  }

  async function replay(jobId?: string): Promise<number> {
    const at = now();
    const result = await db
      .updateTable('jobs')
      .set({
        status: 'pending',
        attempts: 0,
        run_at: at,
        locked_by: null,
        locked_until: null,
        finished_at: null,
        updated_at: at,
      })
      .where('status', '=', 'dead')
      .$if(jobId !== undefined, (qb) => qb.where('id', '=', jobId ?? ''))
      .returning('kind')
      .execute();
    await announce(
      db,
      result.map((row) => ({ kind: row.kind, run_at: at })),
      at,
    );
    return result.length;
  }

  async function counts(): Promise<Record<'pending' | 'running' | 'done' | 'dead', number>> {
    const rows = await db
      .selectFrom('jobs')
      .select((eb) => ['status', eb.fn.countAll<number | string>().as('n')])
      .groupBy('status')
      .execute();
    const result = { pending: 0, running: 0, done: 0, dead: 0 };
    for (const row of rows) result[row.status] = Number(row.n);
    return result;
  }

  async function enqueueMany(
    inputs: readonly EnqueueInput[],
    executor: Kysely<Database> | Transaction<Database> = db,
  ): Promise<{ id: string; created: boolean }[]> {
    if (inputs.length === 0) return [];
    const at = now();
    const rows = inputs.map((input) => jobValues(input, at));
    const keys = rows.flatMap((row) => (row.dedupe_key === null ? [] : [row.dedupe_key]));
    if (new Set(keys).size !== keys.length) {
      throw new QueueError('invalid_argument', 'enqueueMany: two inputs share a dedupeKey; enqueue them separately');
    }
    // One statement for the batch, compiled once per row count: per-statement compile and prepare
    // cost is what the intake profile showed.
    const values = rows.flatMap((row) => statements.JOB_COLUMNS.map((column) => row[column]));
    const insert = compiledStatement(
      executor,
      `jobs.insert:${rows.length}`,
      statements.insertJobs(rows.length),
      values.length,
    );
    const inserted = await runStatement<Database, { id: string }>(executor, insert, values);
    const fresh = new Set(inserted.rows.map((row) => row.id));
    await announce(
      executor,
      rows.filter((row) => fresh.has(row.id)),
      at,
    );
    const results: { id: string; created: boolean }[] = [];
    for (const row of rows) {
      if (fresh.has(row.id)) {
        results.push({ id: row.id, created: true });
        continue;
      }
      // Insert-or-ignore, then read: a concurrent enqueue of the same key waits on the unique index
      // (PostgreSQL) or the write lock (SQLite), so the read sees the winner's committed row.
      const byKey = compiledStatement(executor, 'jobs.idByDedupeKey', statements.jobIdByDedupeKey, 1);
      const [existing] = (await runStatement<Database, { id: string }>(executor, byKey, [row.dedupe_key])).rows;
      if (existing === undefined)
        throw new QueueError('job_not_found', 'a job insert was skipped for its dedupe key, but no job holds that key');
      results.push({ id: existing.id, created: false });
    }
    return results;
  }

  return { enqueue, enqueueMany, claim, heartbeat, complete, fail, listDead, replay, counts, wakeups };
}

function leaseLost(jobId: string, workerId: string, action: string): QueueError {
  return new QueueError(
    'lease_lost',
    `cannot ${action} job ${jobId}: it is not running under worker ${workerId} ` +
      '(its lease expired and another worker took it over, or it already finished)',
  );
}

function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const text = message.trim() === '' && error instanceof Error ? error.name : message;
  return text.length > LAST_ERROR_MAX_CHARS ? `${text.slice(0, LAST_ERROR_MAX_CHARS - 1)}…` : text;
}

function requireWorkerId(workerId: string): void {
  if (typeof workerId !== 'string' || workerId.trim() === '') {
    throw new QueueError('invalid_argument', `workerId must be a non-empty string; got ${JSON.stringify(workerId)}`);
  }
}

function requirePositiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new QueueError('invalid_argument', `${name} must be a positive integer; got ${String(value)}`);
  }
}
