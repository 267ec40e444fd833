/**
 * Tells this process's workers that new jobs are due, so an idle worker claims at once instead of
 * waiting out its poll interval. The sources differ by database (docs/queue-wakeups.md):
 * - SQLite (one process): the queue notifies after its insert. The process has one connection behind
 *   a mutex (src/store/sqlite-dialect.ts), so a claim the wake starts runs after the enqueuing
 *   transaction has ended: it sees the committed row, or nothing if the transaction rolled back.
 * - PostgreSQL: the queue sends `pg_notify` inside the enqueuing transaction (delivered on commit),
 *   and each worker process's LISTEN connection (postgres-listener.ts) notifies here.
 * A wake-up is only a hint: polling stays the fallback, so a lost wake-up delays a job, never loses it.
 */

/** The PostgreSQL channel enqueues notify on; the payload is the job kind. */
export const JOBS_CHANNEL = 'parley_jobs';

/** `kind` null: every kind may have due jobs (after a reconnect, notifications may have been missed). */
export type WakeupListener = (kind: string | null) => void;

export interface JobWakeups {
  /** Jobs of these kinds (null: of any kind) are due. Listeners run synchronously; none may throw. */
  notify(kinds: Iterable<string> | null): void;
  /** Returns the unsubscribe function. */
  subscribe(listener: WakeupListener): () => void;
}

export function createJobWakeups(): JobWakeups {
  const listeners = new Set<WakeupListener>();
  return {
    notify(kinds) {
      if (listeners.size === 0) return;
      const each = kinds === null ? [null] : new Set(kinds);
      for (const listener of [...listeners]) for (const kind of each) listener(kind);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}
