/**
 * Opaque keyset cursors for the admin lists (audit log, runs): base64url JSON of the last row's
 * `[time, id]`. Keyset rather than offset paging so a page boundary stays put while new rows arrive
 * at the head (the audit table grows with every HighLevel call).
 */
import { ConsoleError } from '../console-error.js';

export type KeysetPosition = [at: number, id: string];

export function encodeCursor(position: KeysetPosition): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): KeysetPosition {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && typeof value[0] === 'number' && typeof value[1] === 'string') {
      return [value[0], value[1]];
    }
  } catch {
    // fall through to the error below
  }
  throw new ConsoleError('invalid_request', 'cursor must be a nextCursor value returned by an earlier page', {
    field: 'cursor',
  });
}

/** The page's items and the cursor of the next page (null on the last one). */
export interface KeysetPage<T> {
  items: T[];
  nextCursor: string | null;
}

/** Rows are fetched with `limit + 1`; the extra one only says that another page exists. */
export function toPage<Row, T>(
  rows: Row[],
  limit: number,
  position: (row: Row) => KeysetPosition,
  view: (row: Row) => T,
): KeysetPage<T> {
  const pageRows = rows.slice(0, limit);
  const last = pageRows[pageRows.length - 1];
  const nextCursor = rows.length > limit && last !== undefined ? encodeCursor(position(last)) : null;
  return { items: pageRows.map(view), nextCursor };
}
