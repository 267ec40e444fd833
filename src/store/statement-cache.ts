/**
 * better-sqlite3 prepared statements, reused. Kysely's SQLite driver calls `database.prepare(sql)` for
 * every query; the engine-overhead profile showed that prepare as a steady share of parley's CPU per
 * welcome flow (the same few dozen statements, prepared again each time). A statement can be run again
 * with new parameters (https://github.com/WiseLibs/better-sqlite3/blob/master/docs/api.md#class-statement),
 * so this keeps the most recently used ones by SQL text. The bound keeps statements whose text varies
 * (multi-row inserts, IN lists) from growing without end.
 *
 * Not for streaming: a statement being iterated is busy and cannot be shared; parley never streams.
 */
import type SqliteDatabase from 'better-sqlite3';

export const DEFAULT_STATEMENT_CACHE_SIZE = 256;

export function withStatementCache(
  database: SqliteDatabase.Database,
  maxEntries = DEFAULT_STATEMENT_CACHE_SIZE,
): SqliteDatabase.Database {
  const cache = new Map<string, SqliteDatabase.Statement>();
  function prepare(sql: string): SqliteDatabase.Statement {
    const hit = cache.get(sql);
    if (hit !== undefined) {
      // Move to the back: Map iteration order is insertion order, so the front is least recently used.
      cache.delete(sql);
      cache.set(sql, hit);
      return hit;
    }
    const statement = database.prepare(sql);
    cache.set(sql, statement);
    if (cache.size > maxEntries) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
    return statement;
  }
  return new Proxy(database, {
    get(target, property) {
      if (property === 'prepare') return prepare;
      if (property === 'close') {
        return () => {
          cache.clear();
          return target.close();
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
