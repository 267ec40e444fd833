/**
 * Claiming due jobs, the one dialect-specific query of the queue.
 *
 * Due means `pending` with `run_at <= now`, or `running` with `locked_until < now` (see `dueLane`): a worker that
 * died (SIGKILL, lost host) stops heartbeating, its lease runs out and any worker takes the job over.
 * A job whose lease ran out on its last attempt is dead-lettered instead of being run again, so a
 * job that kills its worker every time cannot loop forever.
 */
import type { ExpressionBuilder, Kysely, QueryCreator } from 'kysely';
import type { DialectName } from '../store/open-database.js';
import type { Database } from '../store/schema.js';
import { byClaimOrder, type JobRow } from './job-row.js';

export interface ClaimRequest {
  workerId: string;
  limit: number;
  leaseMs: number;
  kinds: string[] | undefined;
  now: number;
}

export const LEASE_EXPIRED_ON_LAST_ATTEMPT =
  'the lease expired during the last attempt (the worker died or stalled); not retried';

export async function claimJobs(db: Kysely<Database>, dialect: DialectName, request: ClaimRequest): Promise<JobRow[]> {
  if (request.kinds !== undefined && request.kinds.length === 0) return [];
  const rows = dialect === 'postgres' ? await claimPostgres(db, request) : await claimSqlite(db, request);
  // RETURNING gives no order guarantee; callers run jobs in claim order.
  return rows.sort(byClaimOrder);
}

/**
 * As graphile-worker's getJobs (https://github.com/graphile/worker/blob/main/src/sql/getJobs.ts):
 * select the due rows `FOR UPDATE SKIP
 * LOCKED` and update them in the same statement. Concurrent claimers skip each other's rows instead
 * of waiting, and a row another claimer committed first is re-checked against the WHERE clause
 * (READ COMMITTED re-evaluation) and dropped, so no job is handed out twice. Each lane locks at most
 * `limit` rows; the ones not chosen are released when the statement commits, a moment later.
 */
async function claimPostgres(db: Kysely<Database>, request: ClaimRequest): Promise<JobRow[]> {
  await deadLetterExhaustedLeases(db, request.now);
  const pending = dueLane(db, 'pending', request).forUpdate().skipLocked();
  const expired = dueLane(db, 'running', request).forUpdate().skipLocked();
  return db
    .with('due_pending', () => pending)
    .with('due_expired', () => expired)
    .updateTable('jobs')
    .set((eb) => claimedValues(eb, request))
    .where('id', 'in', (eb) =>
      eb
        .selectFrom((inner) =>
          inner
            .selectFrom('due_pending')
            .select(['id', 'priority', 'run_at'])
            .unionAll(inner.selectFrom('due_expired').select(['id', 'priority', 'run_at']))
            .as('due'),
        )
        .select('due.id')
        .orderBy('due.priority')
        .orderBy('due.run_at')
        .limit(request.limit),
    )
    .returningAll()
    .execute();
}

/**
 * SQLite has no row locks; our transactions begin IMMEDIATE (src/store/sqlite-dialect.ts), which
 * takes the database's write lock up front, so select-then-update cannot interleave with another
 * claimer in this or any other process.
 */
async function claimSqlite(db: Kysely<Database>, request: ClaimRequest): Promise<JobRow[]> {
  return db.transaction().execute(async (trx) => {
    // Inside the claim's transaction: one write-lock acquisition per poll, not two.
    await deadLetterExhaustedLeases(trx, request.now);
    const lanes = [
      ...(await dueLane(trx, 'pending', request).execute()),
      ...(await dueLane(trx, 'running', request).execute()),
    ];
    const due = lanes.sort(byClaimOrder).slice(0, request.limit);
    if (due.length === 0) return [];
    return trx
      .updateTable('jobs')
      .set((eb) => claimedValues(eb, request))
      .where(
        'id',
        'in',
        due.map((row) => row.id),
      )
      .returningAll()
      .execute();
  });
}

/**
 * The first `limit` due jobs of one lane, in claim order: `pending` jobs whose time has come, or
 * `running` jobs whose lease ran out. Two lanes, each one walk of `jobs_claim_idx` (status, priority,
 * run_at) that stops after `limit` rows, instead of one OR over both: for the OR, SQLite (MULTI-INDEX
 * OR) and PostgreSQL (BitmapOr) gather every due row and sort them all, which took ~450 ms a claim on
 * SQLite with a 1M-job backlog (bench "memory").
 */
export function dueLane(qc: QueryCreator<Database>, status: 'pending' | 'running', request: ClaimRequest) {
  const { now, limit, kinds } = request;
  return qc
    .selectFrom('jobs')
    .select(['id', 'priority', 'run_at'])
    .where('status', '=', status)
    .where((eb) => (status === 'pending' ? eb('run_at', '<=', now) : eb('locked_until', '<', now)))
    .where((eb) => eb('attempts', '<', eb.ref('max_attempts')))
    .$if(kinds !== undefined, (qb) => qb.where('kind', 'in', kinds ?? []))
    .orderBy('priority')
    .orderBy('run_at')
    .limit(limit);
}

function claimedValues(eb: ExpressionBuilder<Database, 'jobs'>, request: ClaimRequest) {
  return {
    status: 'running' as const,
    locked_by: request.workerId,
    locked_until: request.now + request.leaseMs,
    attempts: eb('attempts', '+', 1),
    updated_at: request.now,
  };
}

async function deadLetterExhaustedLeases(db: Kysely<Database>, now: number): Promise<void> {
  await db
    .updateTable('jobs')
    .set({
      status: 'dead',
      locked_by: null,
      locked_until: null,
      last_error: LEASE_EXPIRED_ON_LAST_ATTEMPT,
      finished_at: now,
      updated_at: now,
    })
    .where('status', '=', 'running')
    .where('locked_until', '<', now)
    .where((eb) => eb('attempts', '>=', eb.ref('max_attempts')))
    .execute();
}
