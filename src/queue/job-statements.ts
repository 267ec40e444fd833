/**
 * The queue's hot statements, compiled once per database (src/store/compiled-statement.ts). A worker
 * runs a claim, a completion and sometimes a heartbeat per job; building each through Kysely's query
 * builder allocated a fresh syntax tree per call, which showed as about a fifth of the worker's CPU
 * with a 1M-job backlog and drove its young generation's growth (docs/benchmarks.md, memory).
 * The SQL is the same on SQLite and PostgreSQL except where a builder says otherwise.
 */
import { type RawBuilder, sql } from 'kysely';

type Build = (p: readonly number[]) => RawBuilder<unknown>;

const list = (p: readonly number[], from: number, count: number) =>
  sql.join(Array.from({ length: count }, (_, i) => sql`${p[from + i]}`));

/** The columns of one job row, in the order `insertJobs` takes their values. */
export const JOB_COLUMNS = [
  'id',
  'kind',
  'payload',
  'priority',
  'run_at',
  'status',
  'attempts',
  'max_attempts',
  'dedupe_key',
  'created_at',
  'updated_at',
] as const;

/**
 * `rows` jobs, each `JOB_COLUMNS.length` values in that order; a job whose dedupe key is taken is
 * skipped. Answers the ids inserted.
 */
export const insertJobs =
  (rows: number): Build =>
  (p) => {
    const width = JOB_COLUMNS.length;
    const tuples = Array.from({ length: rows }, (_, r) => sql`(${list(p, r * width, width)})`);
    return sql`insert into jobs (${sql.raw(JOB_COLUMNS.join(', '))}) values ${sql.join(tuples)}
  on conflict (dedupe_key) do nothing returning id`;
  };

export const jobIdByDedupeKey: Build = (p) => sql`select id from jobs where dedupe_key = ${p[0]}`;

/** Values: locked until, now, job, worker. Only the lease holder's running job. */
export const heartbeatJob: Build = (p) =>
  sql`update jobs set locked_until = ${p[0]}, updated_at = ${p[1]}
  where id = ${p[2]} and locked_by = ${p[3]} and status = 'running'`;

/** Values: now, job, worker. Only the lease holder's running job. */
export const completeJob: Build = (p) =>
  sql`update jobs set status = 'done', locked_until = null, finished_at = ${p[0]}, updated_at = ${p[0]}
  where id = ${p[1]} and locked_by = ${p[2]} and status = 'running'`;

/** Values: last error, now. Running jobs whose lease ran out on their last attempt. */
export const deadLetterExhaustedLeases: Build = (p) =>
  sql`update jobs set status = 'dead', locked_by = null, locked_until = null, last_error = ${p[0]},
  finished_at = ${p[1]}, updated_at = ${p[1]}
  where status = 'running' and locked_until < ${p[1]} and attempts >= max_attempts`;

/**
 * The first `limit` due jobs of one lane in claim order (claim-jobs.ts says why two lanes). Values:
 * now, limit, then `kinds` kinds when the claim names them (`kinds` < 0: any kind).
 */
function dueLaneSql(status: 'pending' | 'running', kinds: number, p: readonly number[]) {
  const due = status === 'pending' ? sql`run_at <= ${p[0]}` : sql`locked_until < ${p[0]}`;
  const kindFilter = kinds < 0 ? sql`` : sql` and kind in (${list(p, 2, kinds)})`;
  return sql`select id, priority, run_at from jobs where status = ${sql.lit(status)} and ${due}
  and attempts < max_attempts${kindFilter} order by priority, run_at limit ${p[1]}`;
}

export const dueLane =
  (status: 'pending' | 'running', kinds: number): Build =>
  (p) =>
    dueLaneSql(status, kinds, p);

/** Values: worker, locked until, now, then `ids` job ids. Answers the claimed rows. */
export const claimByIds =
  (ids: number): Build =>
  (p) =>
    sql`update jobs set status = 'running', locked_by = ${p[0]}, locked_until = ${p[1]},
  attempts = attempts + 1, updated_at = ${p[2]} where id in (${list(p, 3, ids)}) returning *`;

/**
 * PostgreSQL's claim in one statement (claim-jobs.ts): both lanes `for update skip locked`, then the
 * update of the first `limit` of their union. Values: now, limit, kinds…, then worker, locked until.
 */
export const claimPostgres =
  (kinds: number): Build =>
  (p) => {
    const after = 2 + Math.max(kinds, 0);
    return sql`with due_pending as (${dueLaneSql('pending', kinds, p)} for update skip locked),
  due_expired as (${dueLaneSql('running', kinds, p)} for update skip locked)
  update jobs set status = 'running', locked_by = ${p[after]}, locked_until = ${p[after + 1]},
  attempts = attempts + 1, updated_at = ${p[0]}
  where id in (select due.id from (select id, priority, run_at from due_pending
    union all select id, priority, run_at from due_expired) as due
    order by due.priority, due.run_at limit ${p[1]})
  returning *`;
  };
