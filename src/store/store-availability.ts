/**
 * Whether an error means "the database cannot be used right now" rather than "this query is wrong":
 * the HTTP app answers the first with a generic 503 (src/server/public-errors.ts), never with the
 * driver's message, which names the database host and port. Follows `cause` chains.
 */
import { isSqliteBusy } from './sqlite-busy-retry.js';
import { StoreError } from './store-error.js';

/** Socket failures pg reports while connecting or talking to the server. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);
/**
 * PostgreSQL SQLSTATEs for a server that is gone or refusing work (class 08 connection exception,
 * 57P01-57P03 shutdown/cannot connect now, 53300 too many connections;
 * https://www.postgresql.org/docs/current/errcodes-appendix.html).
 */
const POSTGRES_DOWN = /^(08...|57P0[1-3]|53300)$/;
/** What the drivers say once their pool or file is closed, or a connection dies (pg, Kysely, better-sqlite3). */
const CLOSED_MESSAGES =
  /driver has already been destroyed|Cannot use a pool after calling end on the pool|Connection terminated|timeout exceeded when trying to connect|The database connection is not open|Client has encountered a connection error/i;

export function isStoreBusy(error: unknown): boolean {
  return someCause(error, (e) => (e instanceof StoreError && e.code === 'database_busy') || isSqliteBusy(e));
}

export function isStoreUnavailable(error: unknown): boolean {
  return someCause(error, (e) => {
    if (e instanceof StoreError) return e.code === 'database_unreachable' || e.code === 'database_busy';
    if (isSqliteBusy(e)) return true;
    const code = (e as { code?: unknown } | null)?.code;
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || POSTGRES_DOWN.test(code))) return true;
    if (code === 'SQLITE_CANTOPEN') return true;
    return e instanceof Error && CLOSED_MESSAGES.test(e.message);
  });
}

function someCause(error: unknown, test: (error: unknown) => boolean): boolean {
  const seen = new Set<unknown>();
  for (let current = error; current !== undefined && current !== null && !seen.has(current); ) {
    seen.add(current);
    if (test(current)) return true;
    // AggregateError (pg's connect to several addresses) holds the real failures in `errors`.
    const nested = (current as { errors?: unknown }).errors;
    if (Array.isArray(nested) && nested.some((inner) => someCause(inner, test))) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
