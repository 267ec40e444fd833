/**
 * True when a write failed because a primary key or unique index already holds the value.
 * The one place that knows each driver's spelling, so callers can treat "already there" as an
 * answer (dedupe, idempotent inserts) on both databases.
 */
// better-sqlite3 puts SQLite's extended result code in `code`
// (https://www.sqlite.org/rescode.html#constraint_primarykey, #constraint_unique).
const SQLITE_CODES = new Set(['SQLITE_CONSTRAINT_PRIMARYKEY', 'SQLITE_CONSTRAINT_UNIQUE']);
// PostgreSQL SQLSTATE 23505 unique_violation (https://www.postgresql.org/docs/current/errcodes-appendix.html).
const POSTGRES_UNIQUE_VIOLATION = '23505';

export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  const { code } = error as { code: unknown };
  return code === POSTGRES_UNIQUE_VIOLATION || (typeof code === 'string' && SQLITE_CODES.has(code));
}
