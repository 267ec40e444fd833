/**
 * The one error type of the store boundary. `code` is stable: callers (config, CLI, `doctor`)
 * branch on it, never on the message. Messages name what was expected and never carry a
 * password: every URL in them has gone through `redactDatabaseUrl` first.
 */
import { ParleyError } from '../lib/parley-error.js';

export type StoreErrorCode =
  | 'invalid_database_url'
  | 'database_unreachable'
  /** SQLite: another connection held the write lock for longer than a statement waits (sqlite-busy-retry.ts). */
  | 'database_busy'
  | 'migration_failed'
  | 'invalid_argument';

export class StoreError extends ParleyError<StoreErrorCode> {
  override readonly name = 'StoreError';
}
