import { PRIORITY, type PriorityLane } from '../lib/priority-lanes.js';

/**
 * Requests waiting for a slot at one location, served by lane (agent actions and
 * welcomes before automation, automation before backfill; ranks from `PRIORITY`), first come first
 * served within a lane. A waiter whose signal aborts leaves the queue and rejects with the reason.
 */

interface Waiter {
  rank: number;
  seq: number;
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

export interface LaneQueue {
  readonly size: number;
  /** Queues a request; the promise settles when `grantNext` or `rejectAll` reaches it, or its signal aborts. */
  wait(lane: PriorityLane, signal?: AbortSignal): Promise<void>;
  /** Resolves the first waiter of the highest lane; false when none was waiting. */
  grantNext(): boolean;
  rejectAll(reason: unknown): void;
}

export function createLaneQueue(): LaneQueue {
  const waiters: Waiter[] = [];
  let seq = 0;

  function remove(waiter: Waiter): void {
    const index = waiters.indexOf(waiter);
    if (index >= 0) waiters.splice(index, 1);
    waiter.signal?.removeEventListener('abort', waiter.onAbort);
  }

  return {
    get size() {
      return waiters.length;
    },
    wait(lane, signal) {
      return new Promise<void>((resolve, reject) => {
        const waiter: Waiter = {
          rank: PRIORITY[lane],
          seq: seq++,
          resolve,
          reject,
          signal,
          onAbort: () => {
            remove(waiter);
            reject(signal?.reason);
          },
        };
        // Behind every waiter of the same or a higher lane, ahead of all lower lanes.
        const at = waiters.findIndex((other) => other.rank > waiter.rank);
        waiters.splice(at < 0 ? waiters.length : at, 0, waiter);
        signal?.addEventListener('abort', waiter.onAbort, { once: true });
      });
    },
    grantNext() {
      const waiter = waiters[0];
      if (!waiter) return false;
      remove(waiter);
      waiter.resolve();
      return true;
    },
    rejectAll(reason) {
      for (const waiter of [...waiters]) {
        remove(waiter);
        waiter.reject(reason);
      }
    },
  };
}
