/**
 * Dead letters for admins: jobs that spent their attempts or failed for good (src/queue/types.ts),
 * with the queue's counts, and replay, which sends a job back to pending with its attempts reset
 * (the same redrive as `parley dlq replay`).
 */
import type { DeadJob, Queue } from '../../queue/types.js';
import { ConsoleError } from '../console-error.js';

export const DEAD_LETTER_LIST_LIMIT = 100;

export interface DeadLetters {
  jobs: DeadJob[];
  counts: Record<'pending' | 'running' | 'done' | 'dead', number>;
}

export async function listDeadLetters(queue: Queue): Promise<DeadLetters> {
  const [jobs, counts] = await Promise.all([queue.listDead({ limit: DEAD_LETTER_LIST_LIMIT }), queue.counts()]);
  return { jobs, counts };
}

/** Replays one dead job, or every dead job when `jobId` is omitted; 404 when the id names no dead job. */
export async function replayDeadLetter(queue: Queue, jobId?: string): Promise<{ replayed: number }> {
  const replayed = await queue.replay(jobId);
  if (jobId !== undefined && replayed === 0) {
    throw new ConsoleError('not_found', `no dead job ${jobId} (it may have been replayed already)`, { field: 'jobId' });
  }
  return { replayed };
}
