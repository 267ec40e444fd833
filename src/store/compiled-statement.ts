/**
 * Hand-written SQL compiled by Kysely once per database, then run with new values. Building and
 * compiling the same statement for every call is a visible share of a welcome flow's CPU
 * (docs/benchmarks.md, engine), and better-sqlite3 then reuses the prepared statement by its text
 * (statement-cache.ts).
 *
 * A statement is written as a function of placeholders: `build(p)` gets `p[i] = i` and puts `p[i]`
 * wherever value `i` goes, as often as needed. Compiling records which value each parameter is, in
 * the order the dialect numbers them, so a value used twice is passed twice without the caller counting.
 */
import { CompiledQuery, type Kysely, type QueryResult, type RawBuilder, type Transaction } from 'kysely';

export interface CompiledStatement {
  sql: string;
  /** For each parameter of `sql`, in order, the index of the value it takes. */
  order: readonly number[];
}

type Target<DB> = Kysely<DB> | Transaction<DB>;

// Keyed by the dialect adapter, which a database and its transactions share: the SQL is the same.
const compiledByDatabase = new WeakMap<object, Map<string, CompiledStatement>>();

/** The statement `key` for this database (or a transaction on it), compiled on first use from `build`. */
export function compiledStatement<DB>(
  db: Target<DB>,
  key: string,
  build: (p: readonly number[]) => RawBuilder<unknown>,
  size: number,
): CompiledStatement {
  const adapter = db.getExecutor().adapter;
  let statements = compiledByDatabase.get(adapter);
  if (!statements) {
    statements = new Map();
    compiledByDatabase.set(adapter, statements);
  }
  let statement = statements.get(key);
  if (statement === undefined) {
    const compiled = build(Array.from({ length: size }, (_, i) => i)).compile(db);
    statement = { sql: compiled.sql, order: compiled.parameters.map(Number) };
    statements.set(key, statement);
  }
  return statement;
}

/** Runs a compiled statement on the database or inside a transaction with `values` by index. */
export function runStatement<DB, R = unknown>(
  target: Target<DB>,
  statement: CompiledStatement,
  values: readonly unknown[],
): Promise<QueryResult<R>> {
  const parameters = statement.order.map((i) => values[i]);
  return target.executeQuery<R>(CompiledQuery.raw(statement.sql, parameters));
}
