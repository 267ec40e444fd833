/**
 * The durable job queue's contract. At-least-once: a job
 * runs until a handler completes it; handlers make their effects idempotent. One interface, one
 * implementation over Kysely with dialect-specific claiming (Postgres `FOR UPDATE SKIP LOCKED`,
 * SQLite `BEGIN IMMEDIATE`), held to one contract suite on both databases.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.js';
import type { JobWakeups } from './job-wakeups.js';

export interface EnqueueInput {
  kind: string;
  payload: unknown;
  priority?: number;
  /** Epoch ms; default now. */
  runAt?: number;
  /** Default 10. */
  maxAttempts?: number;
  /** A second enqueue with the same key is a no-op that returns the first job's id. */
  dedupeKey?: string;
}

export interface Job {
  id: string;
  kind: string;
  payload: unknown;
  priority: number;
  attempts: number;
  maxAttempts: number;
  runAt: number;
  dedupeKey: string | null;
}

export interface DeadJob extends Job {
  lastError: string | null;
  finishedAt: number | null;
}

export interface Queue {
  /** Pass `db` to enqueue inside the caller's transaction (the inbox row and its job commit together). */
  enqueue(
    input: EnqueueInput,
    db?: Kysely<Database> | Transaction<Database>,
  ): Promise<{ id: string; created: boolean }>;
  /**
   * Many enqueues as one multi-row insert (the intake's group commit writes a batch of deliveries at
   * once). Answers in input order, with the same dedupe semantics as `enqueue`.
   */
  enqueueMany(
    inputs: readonly EnqueueInput[],
    db?: Kysely<Database> | Transaction<Database>,
  ): Promise<{ id: string; created: boolean }[]>;
  /** Claims up to `limit` due jobs (pending, or running with an expired lease) for `leaseMs`. */
  claim(workerId: string, options: { limit: number; leaseMs: number; kinds?: string[] }): Promise<Job[]>;
  /** Extends the lease; false when the job is no longer ours (lease lost to another worker). */
  heartbeat(jobId: string, workerId: string, leaseMs: number): Promise<boolean>;
  complete(jobId: string, workerId: string): Promise<void>;
  /** Retries with exponential backoff and jitter, capped; dead-letters when attempts are spent or `retryable` is false. */
  fail(jobId: string, workerId: string, error: Error, options: { retryable: boolean }): Promise<'retry' | 'dead'>;
  listDead(options?: { limit?: number }): Promise<DeadJob[]>;
  /** Moves dead jobs back to pending with attempts reset (all dead jobs when no id is given). */
  replay(jobId?: string): Promise<number>;
  counts(): Promise<Record<'pending' | 'running' | 'done' | 'dead', number>>;
  /** Wakes this process's idle workers when jobs become due (job-wakeups.ts); absent: they only poll. */
  readonly wakeups?: JobWakeups;
}

// Handlers import it from here; it lives with the queue's other error.
export { NonRetryableError } from './queue-error.js';

export interface JobContext {
  /** Aborted when the worker stops or the lease is lost. */
  signal: AbortSignal;
  workerId: string;
}

export type JobHandler = (job: Job, context: JobContext) => Promise<void>;
