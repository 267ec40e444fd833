/**
 * Claiming due jobs, the one dialect-specific query of the queue.
 *
 * Due means `pending` with `run_at <= now`, or `running` with `locked_until < now` (see `dueLane`): a worker that
 * died (SIGKILL, lost host) stops heartbeating, its lease runs out and any worker takes the job over.
 * A job whose lease ran out on its last attempt is dead-lettered instead of being run again, so a
 * job that kills its worker every time cannot loop forever.
 */
import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import { compiledStatement, runStatement } from '../store/compiled-statement.js';
import type { DialectName } from '../store/open-database.js';
import type { Database } from '../store/schema.js';
import { byClaimOrder, type JobRow } from './job-row.js';
import * as statements from './job-statements.js';

export interface ClaimRequest {
  workerId: string;
  limit: number;
  leaseMs: number;
  kinds: string[] | undefined;
  now: number;
  /** Dead-letter exhausted leases first (default true); create-queue.ts runs it at most once a second. */
  sweep?: boolean;
}

export const LEASE_EXPIRED_ON_LAST_ATTEMPT =
  'the lease expired during the last attempt (the worker died or stalled); not retried';

export async function claimJobs(db: Kysely<Database>, dialect: DialectName, request: ClaimRequest): Promise<JobRow[]> {
  if (request.kinds !== undefined && request.kinds.length === 0) return [];
  const rows = dialect === 'postgres' ? await claimPostgres(db, request) : await claimSqlite(db, request);
  // RETURNING gives no order guarantee; callers run jobs in claim order.
  return rows.sort(byClaimOrder);
}

/** -1 when the claim takes any kind; the statements are compiled per number of kinds. */
const kindCount = (request: ClaimRequest) => request.kinds?.length ?? -1;
const laneValues = (request: ClaimRequest) => [request.now, request.limit, ...(request.kinds ?? [])];

/**
 * As graphile-worker's getJobs (https://github.com/graphile/worker/blob/main/src/sql/getJobs.ts):
 * select the due rows `FOR UPDATE SKIP
 * LOCKED` and update them in the same statement. Concurrent claimers skip each other's rows instead
 * of waiting, and a row another claimer committed first is re-checked against the WHERE clause
 * (READ COMMITTED re-evaluation) and dropped, so no job is handed out twice. Each lane locks at most
 * `limit` rows; the ones not chosen are released when the statement commits, a moment later.
 */
async function claimPostgres(db: Kysely<Database>, request: ClaimRequest): Promise<JobRow[]> {
  if (request.sweep !== false) await deadLetterExhaustedLeases(db, request.now);
  const kinds = kindCount(request);
  const values = [...laneValues(request), request.workerId, request.now + request.leaseMs];
  const claim = compiledStatement(db, `jobs.claimPostgres:${kinds}`, statements.claimPostgres(kinds), values.length);
  return (await runStatement<Database, JobRow>(db, claim, values)).rows;
}

/**
 * SQLite has no row locks; our transactions begin IMMEDIATE (src/store/sqlite-dialect.ts), which
 * takes the database's write lock up front, so select-then-update cannot interleave with another
 * claimer in this or any other process.
 */
async function claimSqlite(db: Kysely<Database>, request: ClaimRequest): Promise<JobRow[]> {
  return db.transaction().execute(async (trx) => {
    // Inside the claim's transaction: one write-lock acquisition per poll, not two.
    if (request.sweep !== false) await deadLetterExhaustedLeases(trx, request.now);
    const lanes = [...(await readLane(trx, 'pending', request)), ...(await readLane(trx, 'running', request))];
    const due = lanes.sort(byClaimOrder).slice(0, request.limit);
    if (due.length === 0) return [];
    const values = [request.workerId, request.now + request.leaseMs, request.now, ...due.map((row) => row.id)];
    const claim = compiledStatement(
      trx,
      `jobs.claimByIds:${due.length}`,
      statements.claimByIds(due.length),
      values.length,
    );
    return (await runStatement<Database, JobRow>(trx, claim, values)).rows;
  });
}

type LaneRow = Pick<JobRow, 'id' | 'priority' | 'run_at'>;

async function readLane(
  trx: Transaction<Database>,
  status: 'pending' | 'running',
  request: ClaimRequest,
): Promise<LaneRow[]> {
  return (await trx.executeQuery<LaneRow>(dueLane(trx, status, request))).rows;
}

/**
 * The first `limit` due jobs of one lane, in claim order: `pending` jobs whose time has come, or
 * `running` jobs whose lease ran out. Two lanes, each one walk of `jobs_claim_idx` (status, priority,
 * run_at) that stops after `limit` rows, instead of one OR over both: for the OR, SQLite (MULTI-INDEX
 * OR) and PostgreSQL (BitmapOr) gather every due row and sort them all, which took ~450 ms a claim on
 * SQLite with a 1M-job backlog (bench "memory").
 */
export function dueLane(
  db: Kysely<Database> | Transaction<Database>,
  status: 'pending' | 'running',
  request: ClaimRequest,
): CompiledQuery<LaneRow> {
  const kinds = kindCount(request);
  const values = laneValues(request);
  const lane = compiledStatement(
    db,
    `jobs.dueLane:${status}:${kinds}`,
    statements.dueLane(status, kinds),
    values.length,
  );
  return CompiledQuery.raw(
    lane.sql,
    lane.order.map((i) => values[i]),
  ) as CompiledQuery<LaneRow>;
}

async function deadLetterExhaustedLeases(db: Kysely<Database> | Transaction<Database>, now: number): Promise<void> {
  const values = [LEASE_EXPIRED_ON_LAST_ATTEMPT, now];
  await runStatement(
    db,
    compiledStatement(db, 'jobs.deadLetterExhaustedLeases', statements.deadLetterExhaustedLeases, 2),
    values,
  );
}
