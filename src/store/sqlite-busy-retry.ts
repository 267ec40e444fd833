/**
 * Lock waits on SQLite that never block the event loop. better-sqlite3 is synchronous, so a statement
 * waiting out a 5 s `busy_timeout` on another connection's write lock froze the whole process: health
 * checks and read-only requests included. Here SQLite itself waits only a few milliseconds; a statement
 * that still finds the database locked is retried after an asynchronous backoff until a deadline, and
 * outside a transaction the connection is handed to this process's other statements meanwhile (in WAL
 * mode reads never need the write lock, https://www.sqlite.org/wal.html#concurrency).
 */
import type SqliteDatabase from 'better-sqlite3';
import type { CompiledQuery, DatabaseConnection, QueryResult } from 'kysely';
import { StoreError } from './store-error.js';

/** SQLite's own wait per attempt: short enough that a locked attempt costs the event loop little. */
export const SQLITE_BUSY_TIMEOUT_MS = 10;
/** How long a statement keeps retrying a locked database before it fails with `database_busy`. */
export const DEFAULT_BUSY_PATIENCE_MS = 5_000;
const BACKOFF_MS = [5, 10, 20, 40, 80, 100];

export interface BusyRetryOptions {
  patienceMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** SQLITE_BUSY and SQLITE_LOCKED with their extended codes (https://www.sqlite.org/rescode.html). */
export function isSqliteBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^SQLITE_(BUSY|LOCKED)(_|$)/.test(code);
}

/** The one connection's turn-taking (as Kysely's SqliteDriver does), but it can be let go while waiting. */
export class ConnectionMutex {
  #held: Promise<void> | undefined;
  #release: (() => void) | undefined;

  async lock(): Promise<void> {
    while (this.#held) await this.#held;
    this.#held = new Promise((resolve) => {
      this.#release = resolve;
    });
  }

  unlock(): void {
    const release = this.#release;
    this.#held = undefined;
    this.#release = undefined;
    release?.();
  }
}

export class BusyRetryingConnection implements DatabaseConnection {
  readonly #database: SqliteDatabase.Database;
  readonly #mutex: ConnectionMutex;
  readonly #patienceMs: number;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(database: SqliteDatabase.Database, mutex: ConnectionMutex, options: BusyRetryOptions = {}) {
    this.#database = database;
    this.#mutex = mutex;
    this.#patienceMs = options.patienceMs ?? DEFAULT_BUSY_PATIENCE_MS;
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Called with the mutex held; returns with it held. */
  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const deadline = this.#now() + this.#patienceMs;
    for (let attempt = 0; ; attempt++) {
      try {
        return this.#run<R>(compiledQuery);
      } catch (error) {
        if (!isSqliteBusy(error)) throw error;
        if (this.#now() >= deadline) {
          throw new StoreError(
            'database_busy',
            `the SQLite database stayed locked by another connection for ${this.#patienceMs} ms (${(error as { code: string }).code})`,
            { cause: error },
          );
        }
        // Inside a transaction the connection is ours until it ends; outside, nothing is held, so
        // this process's other statements may use it while this one waits.
        const yieldConnection = !this.#database.inTransaction;
        if (yieldConnection) this.#mutex.unlock();
        try {
          await this.#sleep(BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)] as number);
        } finally {
          if (yieldConnection) await this.#mutex.lock();
        }
      }
    }
  }

  // parley never streams (src/store/statement-cache.ts); Kysely's interface still asks for it.
  async *streamQuery<R>(compiledQuery: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    yield await this.executeQuery<R>(compiledQuery);
  }

  #run<R>(compiledQuery: CompiledQuery): QueryResult<R> {
    const statement = this.#database.prepare(compiledQuery.sql);
    const parameters = compiledQuery.parameters as unknown[];
    if (statement.reader) return { rows: statement.all(parameters) as R[] };
    const { changes, lastInsertRowid } = statement.run(parameters);
    return {
      numAffectedRows: BigInt(changes),
      insertId: lastInsertRowid === undefined || lastInsertRowid === null ? undefined : BigInt(lastInsertRowid),
      rows: [],
    };
  }
}
