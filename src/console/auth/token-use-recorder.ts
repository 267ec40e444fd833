/**
 * When each API token was last used (`api_tokens.last_used_at`), written off the request path so a
 * read-only call never fails on SQLite's write lock. A request only notes the time; a timer writes a
 * token's first use at once, later ones at most once per interval (a minute); a failed write is kept.
 */
import type { Kysely } from 'kysely';
import type { Logger } from '../../lib/create-logger.js';
import type { Database } from '../../store/schema.js';

export const TOKEN_USE_FLUSH_MS = 60_000;

export interface TokenUseRecorder {
  /** Notes that `tokenId` was used at `at` (epoch ms). Never touches the database. */
  record(tokenId: string, at: number): void;
  /** Writes everything noted now, whatever the interval; failures are logged and kept for the next flush. */
  flush(): Promise<void>;
  /** Stops the timer and writes what is left (app shutdown). */
  close(): Promise<void>;
}

export interface TokenUseRecorderOptions {
  db: Kysely<Database>;
  logger: Logger;
  intervalMs?: number;
  /** Real time, for spacing the writes. Default Date.now. */
  clock?: () => number;
  /** Returns a handle for clearTimer; a handle with unref() is unref'd. Default setTimeout. */
  setTimer?: (run: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
}

export function createTokenUseRecorder(options: TokenUseRecorderOptions): TokenUseRecorder {
  const { db, logger } = options;
  const intervalMs = options.intervalMs ?? TOKEN_USE_FLUSH_MS;
  const clock = options.clock ?? Date.now;
  const setTimer = options.setTimer ?? ((run, ms) => setTimeout(run, ms));
  const clearTimer = options.clearTimer ?? ((timer) => clearTimeout(timer as NodeJS.Timeout));
  /** Token id → the latest use not yet written. */
  const pending = new Map<string, number>();
  /** Token id → when (clock) it was last written; a token is written at most once per interval. */
  const written = new Map<string, number>();
  let timer: { due: number; handle: unknown } | null = null;
  let inFlight: Promise<void> = Promise.resolve();
  let closed = false;

  const dueAt = (tokenId: string) => (written.get(tokenId) ?? Number.NEGATIVE_INFINITY) + intervalMs;

  const arm = (): void => {
    if (closed || pending.size === 0) return;
    const due = Math.min(...[...pending.keys()].map(dueAt));
    if (timer !== null && timer.due <= due) return;
    if (timer !== null) clearTimer(timer.handle);
    const handle = setTimer(
      () => {
        timer = null;
        void flush(false);
      },
      Math.max(0, due - clock()),
    );
    // A pending write never keeps the process alive; close() writes it on shutdown.
    (handle as { unref?: () => unknown }).unref?.();
    timer = { due, handle };
  };

  const write = async (all: boolean): Promise<void> => {
    const now = clock();
    for (const [tokenId, at] of [...pending]) {
      if (!all && dueAt(tokenId) > now) continue;
      pending.delete(tokenId);
      written.set(tokenId, now);
      try {
        // Never moves the time back (several processes may write for one token).
        await db
          .updateTable('api_tokens')
          .set({ last_used_at: at })
          .where('id', '=', tokenId)
          .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', at)]))
          .execute();
      } catch (error) {
        if ((pending.get(tokenId) ?? Number.NEGATIVE_INFINITY) < at) pending.set(tokenId, at);
        logger.warn({ err: error, tokenId }, 'could not record API token use; will retry');
      }
    }
    for (const [tokenId, at] of written) if (at + intervalMs <= now && !pending.has(tokenId)) written.delete(tokenId);
    arm();
  };

  const flush = (all: boolean): Promise<void> => {
    inFlight = inFlight.then(() => write(all));
    return inFlight;
  };

  return {
    record(tokenId, at) {
      if ((pending.get(tokenId) ?? Number.NEGATIVE_INFINITY) < at) pending.set(tokenId, at);
      arm();
    },
    flush: () => flush(true),
    async close() {
      closed = true;
      if (timer !== null) clearTimer(timer.handle);
      timer = null;
      await flush(true);
    },
  };
}
