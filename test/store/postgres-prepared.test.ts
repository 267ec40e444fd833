/**
 * On PostgreSQL, a parameterised statement runs as a named prepared statement, parsed once per
 * connection (src/store/postgres-dialect.ts); one without parameters stays unnamed. Read back from
 * the connection's own `pg_prepared_statements`, inside one transaction so every query uses it.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../helpers/databases.js';

describe('PostgreSQL prepared statements', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase('postgres');
  });
  afterAll(async () => {
    await database.dispose();
  });

  it('prepares a repeated parameterised statement once per connection and answers it correctly each time', async () => {
    const { db } = database.store;
    const found = await db.transaction().execute(async (trx) => {
      const answers: (string | undefined)[] = [];
      for (const key of ['a', 'b', 'a']) {
        await trx
          .insertInto('settings')
          .values({ key: `prep.${key}`, value: key, updated_at: 1 })
          .onConflict((oc) => oc.column('key').doNothing())
          .execute();
        const row = await trx
          .selectFrom('settings')
          .select('value')
          .where('key', '=', `prep.${key}`)
          .executeTakeFirst();
        answers.push(row?.value);
      }
      const { rows } = await sql<{
        statement: string;
      }>`select statement from pg_prepared_statements where name like 'parley_%'`.execute(trx);
      return { answers, prepared: rows.map((r) => r.statement) };
    });
    expect(found.answers).toEqual(['a', 'b', 'a']);
    expect(found.prepared.filter((s) => s.startsWith('select "value" from "settings"'))).toHaveLength(1);
    expect(found.prepared.filter((s) => s.startsWith('insert into "settings"'))).toHaveLength(1);
    // Statements without parameters (the transaction's own begin, this catalog query) are not prepared.
    expect(found.prepared.some((s) => s.startsWith('select statement from pg_prepared_statements'))).toBe(false);
  });
});
