/**
 * What the poller tests share: a migrated database per suite (cleared between tests), the real
 * queue on it, and the Accelevents sandbox on a fixed clock so its sessions sit at known offsets.
 */
import type { Kysely } from 'kysely';
import { createLogger } from '../../../src/lib/create-logger.js';
import { createQueue } from '../../../src/queue/create-queue.js';
import type { Queue } from '../../../src/queue/types.js';
import type { Store } from '../../../src/store/open-database.js';
import type { Database } from '../../../src/store/schema.js';

export const silentLogger = createLogger({ level: 'silent' });
/** 2026-05-04 14:00 UTC, on a quarter hour, so the sandbox's session offsets are exact. */
export const T0 = Date.UTC(2026, 4, 4, 14, 0);
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

export interface Clock {
  now: () => number;
  set(at: number): void;
}

export function fixedClock(at = T0): Clock {
  let current = at;
  return { now: () => current, set: (next) => (current = next) };
}

export function queueOn(store: Store, clock: Clock): Queue {
  return createQueue({ store, now: clock.now });
}

export async function clearPipelineTables(db: Kysely<Database>): Promise<void> {
  for (const table of ['jobs', 'inbox', 'run_steps', 'workflow_runs'] as const) await db.deleteFrom(table).execute();
}

export async function jobsOfKind(db: Kysely<Database>, kind: string) {
  const rows = await db.selectFrom('jobs').selectAll().where('kind', '=', kind).orderBy('dedupe_key').execute();
  return rows.map((row) => ({ ...row, payload: JSON.parse(row.payload) as Record<string, any> }));
}
