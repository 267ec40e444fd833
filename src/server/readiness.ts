/**
 * /readyz's database check. Ready means a request could both read and write now: on SQLite that is
 * the write lock (an empty `begin immediate` transaction), which another connection may hold for a
 * long time while plain reads still work; on PostgreSQL it is a round trip. Whatever does not answer
 * within a short time counts as busy, so a load balancer sends traffic elsewhere meanwhile.
 * The reason names the state only: /readyz is public, and driver messages carry the database address.
 */
import { sql } from 'kysely';
import type { Logger } from '../lib/create-logger.js';
import { ParleyError, type ParleyErrorOptions } from '../lib/parley-error.js';
import type { Store } from '../store/open-database.js';
import { isStoreBusy } from '../store/store-availability.js';

export const READY_PROBE_MS = 1_000;

/** The server's readiness code; /readyz answers it as `status: 'not_ready'`. */
export type NotReadyErrorCode = 'not_ready';

/** Not ready, with a reason fit for any caller and each check's state. */
export class NotReadyError extends ParleyError<NotReadyErrorCode> {
  override readonly name = 'NotReadyError';
  readonly checks: Record<string, string>;

  constructor(message: string, options: ParleyErrorOptions & { checks: Record<string, string> }) {
    super('not_ready', message, options);
    this.checks = options.checks;
  }
}

export type StoreState = 'ready' | 'busy' | 'unavailable';

export async function probeStore(
  store: Pick<Store, 'db' | 'dialect'>,
  timeoutMs: number,
): Promise<{ state: StoreState; error?: unknown }> {
  const attempt =
    store.dialect === 'sqlite'
      ? store.db.transaction().execute(async () => {})
      : sql`select 1`.execute(store.db).then(() => {});
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const outcome = await Promise.race([attempt.then(() => 'done' as const), timedOut]);
    // A probe that lost the race goes on waiting for the lock in the background; its end is of no interest.
    if (outcome === 'timeout') attempt.catch(() => {});
    return { state: outcome === 'done' ? 'ready' : 'busy' };
  } catch (error) {
    return { state: isStoreBusy(error) ? 'busy' : 'unavailable', error };
  } finally {
    clearTimeout(timer);
  }
}

/** `checkReady` for createApp: the store's dialect when ready, else a NotReadyError naming its state. */
export function storeReadiness(
  store: Pick<Store, 'db' | 'dialect'>,
  logger: Logger,
  timeoutMs = READY_PROBE_MS,
): () => Promise<Record<string, string>> {
  return async () => {
    const { state, error } = await probeStore(store, timeoutMs);
    if (state === 'ready') return { database: store.dialect };
    if (error !== undefined) logger.warn({ err: error }, `readiness: the database is ${state}`);
    const reason =
      state === 'busy'
        ? `database busy: no read/write access within ${timeoutMs} ms (another connection holds the write lock)`
        : 'database unavailable';
    throw new NotReadyError(reason, { checks: { database: state } });
  };
}
