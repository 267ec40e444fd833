/**
 * The scale-out path (several parley processes on one database, docs/operations.md): a `pg` pool
 * behind Kysely's PostgresDialect.
 */
import { createHash } from 'node:crypto';
import { type Dialect, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Logger } from '../lib/create-logger.js';
import { redactDatabaseUrl } from './redact-database-url.js';

/** OID of PostgreSQL's int8 (bigint), also the type of `count(*)` (pg_type.dat). */
const INT8_OID = 20;
const POOL_MAX = 10;
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * int8 arrives as a string by default because it can exceed 2^53. Ours never do: ids are text,
 * and the bigint columns hold epoch milliseconds (about 2^40.6 today) and counters, far below
 * Number.MAX_SAFE_INTEGER. Parsing to numbers keeps rows identical to what SQLite returns.
 * The parser is set on this pool only, not on pg's global registry.
 */
function getTypeParser(oid: number, format?: 'text' | 'binary'): (value: string) => unknown {
  if (oid === INT8_OID && format !== 'binary') return (value) => Number(value);
  return pg.types.getTypeParser(oid, format as 'text');
}

/** Per connection; past it, new statement texts run unnamed (each server-side statement holds a plan). */
const MAX_PREPARED_PER_CONNECTION = 256;
const MAX_PREPARED_TEXT = 4_000;

/**
 * Kysely sends every query unnamed, so PostgreSQL parses and plans it on every execution. A welcome
 * runs about 40 short statements, most of them the same few texts, and on a busy box the parsing
 * shows (docs/benchmarks.md, scale). Here a parameterised statement runs as a named prepared
 * statement, named by a hash of its text: pg parses it once per connection and then only binds and
 * executes it (https://node-postgres.com/features/queries#prepared-statements). Statements without
 * parameters (transaction control, DDL, migrations) stay unnamed, and each connection prepares at
 * most MAX_PREPARED_PER_CONNECTION texts, so texts that vary (multi-row inserts) cannot grow it
 * without bound.
 */
function prepareRepeatedStatements(client: pg.PoolClient): void {
  const plain = client.query.bind(client) as (...args: unknown[]) => unknown;
  const names = new Map<string, string>();
  client.query = ((text: unknown, values?: unknown, callback?: unknown) => {
    if (typeof text !== 'string' || !Array.isArray(values) || values.length === 0 || callback !== undefined) {
      return plain(text, values, callback);
    }
    let name = names.get(text);
    if (name === undefined) {
      if (names.size >= MAX_PREPARED_PER_CONNECTION || text.length > MAX_PREPARED_TEXT) return plain(text, values);
      name = `parley_${createHash('sha1').update(text).digest('base64url').slice(0, 20)}`;
      names.set(text, name);
    }
    return plain({ name, text, values });
  }) as typeof client.query;
}

export interface PostgresDialectResult {
  dialect: Dialect;
  pool: pg.Pool;
}

export function createPostgresDialect(databaseUrl: string, logger: Logger): PostgresDialectResult {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: POOL_MAX,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: 'parley',
    types: { getTypeParser } as pg.CustomTypesConfig,
  });
  // pg reports a lost connection (server restart, failover, network) as an 'error' event: on the pool
  // for an idle client, on the client itself while it is checked out (pg-pool listens only while it
  // is idle). Unheard, either ends the process. The query in flight still fails with the error, and
  // the pool replaces the broken client on next use.
  pool.on('connect', (client) => {
    prepareRepeatedStatements(client);
    client.on('error', (error) => {
      logger.warn(
        { url: redactDatabaseUrl(databaseUrl), code: (error as { code?: string }).code, err: error.message },
        'PostgreSQL connection lost',
      );
    });
  });
  pool.on('error', () => {}); // already logged by the client's own listener above
  return { dialect: new PostgresDialect({ pool }), pool };
}
