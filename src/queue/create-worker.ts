/**
 * Runs jobs from the queue: claims up to its free
 * slots, runs each handler with an AbortSignal, renews the lease every leaseMs/3 (BullMQ renews at
 * lockDuration/2; a third leaves room for one slow database round trip), and aborts a job whose
 * heartbeat finds the lease taken over. `stop` claims nothing more, waits up to graceMs, then aborts
 * what is still running and fails it as retryable so another attempt picks it up (graphile-worker's
 * forced shutdown does the same).
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { type Logger, silentLogger } from '../lib/create-logger.js';
import { type ClassifyError, classifyError } from './classify-error.js';
import type { JobWakeups } from './job-wakeups.js';
import { QueueError } from './queue-error.js';
import { type Job, type JobHandler, NonRetryableError, type Queue } from './types.js';

export interface CreateWorkerOptions {
  queue: Queue;
  /** One handler per job kind. A claimed job of another kind is dead-lettered at once. */
  handlers: Record<string, JobHandler>;
  /** Jobs run at once. Default 4. */
  concurrency?: number;
  /** How long a claim holds a job without a heartbeat. Default 30 s. */
  leaseMs?: number;
  /**
   * Wait between claims when the queue had nothing due. Default 500 ms. With wake-ups (below) this is
   * only the fallback: a new due job wakes an idle worker at once.
   */
  pollMs?: number;
  /** What wakes an idle worker when jobs of its kinds become due. Default `queue.wakeups`; null: poll only. */
  wakeups?: JobWakeups | null;
  /** Default `<host>:<pid>:<random>`, unique per worker. */
  workerId?: string;
  /** Claim only these kinds. Default: every kind (so unknown kinds are dead-lettered, not left waiting). */
  kinds?: string[];
  logger?: Logger;
  /** Retry or not, for a handler's error. Default classifyError. */
  classify?: ClassifyError;
}

export interface Worker {
  readonly id: string;
  start(): void;
  /** Stops claiming, waits up to graceMs (default 10 s) for running jobs, then aborts and fails the rest as retryable. */
  stop(options?: { graceMs?: number }): Promise<void>;
}

interface RunningJob {
  job: Job;
  controller: AbortController;
  heartbeat: NodeJS.Timeout;
  /** The outcome was decided (completed, failed, or failed by stop); later outcomes are ignored. */
  settled: boolean;
  /** A heartbeat found the job under another worker. */
  lost: boolean;
  beating: boolean;
  done: Promise<void>;
}

const DEFAULTS = { concurrency: 4, leaseMs: 30_000, pollMs: 500, graceMs: 10_000 } as const;

export function createWorker(options: CreateWorkerOptions): Worker {
  const { queue, handlers } = options;
  if (queue === undefined || typeof queue.claim !== 'function') {
    throw new QueueError('invalid_argument', 'createWorker needs queue: the Queue from createQueue');
  }
  if (typeof handlers !== 'object' || handlers === null) {
    throw new QueueError('invalid_argument', 'createWorker needs handlers: an object of job kind → handler');
  }
  const concurrency = positiveInteger('concurrency', options.concurrency ?? DEFAULTS.concurrency);
  const leaseMs = positiveInteger('leaseMs', options.leaseMs ?? DEFAULTS.leaseMs);
  const pollMs = positiveInteger('pollMs', options.pollMs ?? DEFAULTS.pollMs);
  const id = options.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const classify = options.classify ?? classifyError;
  const logger = (options.logger ?? silentLogger()).child({ workerId: id });

  const running = new Map<string, RunningJob>();
  let state: 'idle' | 'running' | 'stopping' | 'stopped' = 'idle';
  let loop: Promise<void> = Promise.resolve();
  let stopping: Promise<void> | undefined;
  let wakeWaiter: (() => void) | undefined;
  let wakePending = false;
  const wakeups = options.wakeups === undefined ? queue.wakeups : (options.wakeups ?? undefined);
  let unsubscribe: (() => void) | undefined;

  function wake(): void {
    if (wakeWaiter === undefined) wakePending = true;
    else wakeWaiter();
  }

  function waitForWork(): Promise<void> {
    if (wakePending) {
      wakePending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, pollMs);
      function done(): void {
        clearTimeout(timer);
        wakeWaiter = undefined;
        wakePending = false;
        resolve();
      }
      wakeWaiter = done;
    });
  }

  async function pollLoop(): Promise<void> {
    while (state === 'running') {
      const free = concurrency - running.size;
      if (free > 0) {
        // One macrotask turn per claim. On SQLite every query settles synchronously, so a backlog of
        // jobs that finish without I/O would otherwise chain claims in microtasks, never letting timers
        // (heartbeats, stop) or the HTTP server sharing this process (`parley start`) run until it is empty.
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (state !== 'running') break;
        try {
          const jobs = await queue.claim(id, { limit: free, leaseMs, kinds: options.kinds });
          for (const job of jobs) runJob(job);
          // A full batch means more may be due: claim again as soon as a slot is free.
          if (jobs.length === free) continue;
        } catch (error) {
          logger.error({ err: message(error) }, 'claiming jobs failed; trying again after the poll interval');
        }
      }
      if (state !== 'running') break;
      await waitForWork();
    }
  }

  function runJob(job: Job): void {
    const entry: RunningJob = {
      job,
      controller: new AbortController(),
      heartbeat: setInterval(() => void beat(entry), Math.max(1, Math.floor(leaseMs / 3))),
      settled: false,
      lost: false,
      beating: false,
      done: Promise.resolve(),
    };
    running.set(job.id, entry);
    entry.done = execute(entry).finally(() => {
      clearInterval(entry.heartbeat);
      running.delete(job.id);
      wake();
    });
  }

  async function execute(entry: RunningJob): Promise<void> {
    const { job } = entry;
    const handler = Object.hasOwn(handlers, job.kind) ? handlers[job.kind] : undefined;
    let failure: { error: Error; retryable: boolean } | undefined;
    try {
      if (handler === undefined) throw new NonRetryableError(`no handler for job kind "${job.kind}"`);
      await handler(job, { signal: entry.controller.signal, workerId: id });
    } catch (error) {
      failure = { error: toError(error), retryable: handler === undefined ? false : classify(error).retryable };
    }
    if (entry.settled) return;
    entry.settled = true;
    clearInterval(entry.heartbeat);
    const context = { jobId: job.id, kind: job.kind, attempt: job.attempts };
    if (entry.lost) {
      logger.warn(context, 'job finished after its lease was taken over; its new owner decides the outcome');
      return;
    }
    try {
      if (failure === undefined) {
        await queue.complete(job.id, id);
        logger.debug(context, 'job completed');
      } else {
        const outcome = await queue.fail(job.id, id, failure.error, { retryable: failure.retryable });
        const log = outcome === 'dead' ? logger.error.bind(logger) : logger.warn.bind(logger);
        log({ ...context, outcome, err: failure.error.message }, `job failed (${outcome})`);
      }
    } catch (error) {
      // lease_lost: another worker owns the job now. Anything else (database down): the lease runs
      // out and the job is claimed again, so at-least-once holds either way.
      logger.warn({ ...context, err: message(error) }, 'could not record the job outcome');
    }
  }

  async function beat(entry: RunningJob): Promise<void> {
    if (entry.settled || entry.beating) return;
    entry.beating = true;
    try {
      const ours = await queue.heartbeat(entry.job.id, id, leaseMs);
      if (!ours && !entry.settled) {
        entry.lost = true;
        clearInterval(entry.heartbeat);
        logger.warn({ jobId: entry.job.id, kind: entry.job.kind }, 'lease lost to another worker; aborting the job');
        entry.controller.abort(new QueueError('lease_lost', `job ${entry.job.id}: lease lost to another worker`));
      }
    } catch (error) {
      logger.warn({ jobId: entry.job.id, err: message(error) }, 'heartbeat failed; trying again next interval');
    } finally {
      entry.beating = false;
    }
  }

  async function stopNow(graceMs: number): Promise<void> {
    state = 'stopping';
    unsubscribe?.();
    wake();
    await loop;
    const allDone = Promise.all([...running.values()].map((entry) => entry.done));
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), graceMs);
    });
    const result = await Promise.race([allDone.then(() => 'done' as const), graceOver]);
    clearTimeout(timer);
    if (result === 'timeout') {
      await Promise.all([...running.values()].map((entry) => abandon(entry)));
    }
    state = 'stopped';
  }

  async function abandon(entry: RunningJob): Promise<void> {
    if (entry.settled) return;
    entry.settled = true;
    clearInterval(entry.heartbeat);
    const reason = new Error(`worker ${id} stopped before the job finished`);
    entry.controller.abort(reason);
    try {
      await queue.fail(entry.job.id, id, reason, { retryable: true });
      logger.warn({ jobId: entry.job.id, kind: entry.job.kind }, 'job aborted at shutdown; it will be retried');
    } catch (error) {
      logger.warn({ jobId: entry.job.id, err: message(error) }, 'could not release the job at shutdown');
    }
  }

  return {
    id,
    start() {
      if (state !== 'idle') throw new QueueError('invalid_argument', `worker ${id} was already started`);
      state = 'running';
      const kinds = options.kinds === undefined ? null : new Set(options.kinds);
      unsubscribe = wakeups?.subscribe((kind) => {
        if (kind === null || kinds === null || kinds.has(kind)) wake();
      });
      loop = pollLoop();
    },
    stop(stopOptions = {}) {
      const graceMs = stopOptions.graceMs ?? DEFAULTS.graceMs;
      if (!Number.isFinite(graceMs) || graceMs < 0) {
        throw new QueueError('invalid_argument', `graceMs must be a number ≥ 0; got ${String(graceMs)}`);
      }
      if (state === 'idle' || state === 'stopped') {
        state = 'stopped';
        return Promise.resolve();
      }
      stopping ??= stopNow(graceMs);
      return stopping;
    },
  };
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new QueueError('invalid_argument', `createWorker: ${name} must be a positive integer; got ${String(value)}`);
  }
  return value;
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
