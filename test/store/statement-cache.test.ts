/** The prepared-statement cache under Kysely's SQLite driver: reuse by SQL text, LRU bound, results unchanged. */
import SqliteDatabase from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { withStatementCache } from '../../src/store/statement-cache.js';

describe('withStatementCache', () => {
  it('hands back the same statement for the same SQL', () => {
    const database = withStatementCache(new SqliteDatabase(':memory:'));
    database.exec('create table t (n integer)');
    const insert = database.prepare('insert into t (n) values (?)');
    expect(database.prepare('insert into t (n) values (?)')).toBe(insert);
    database.close();
  });

  it('still runs a cached statement with new parameters', () => {
    const database = withStatementCache(new SqliteDatabase(':memory:'));
    database.exec('create table t (n integer)');
    const insert = database.prepare('insert into t (n) values (?)');
    insert.run(1);
    database.prepare('insert into t (n) values (?)').run(2);
    expect(database.prepare('select n from t order by n').all()).toEqual([{ n: 1 }, { n: 2 }]);
    database.close();
  });

  it('forgets the least recently used statement beyond its bound', () => {
    const database = withStatementCache(new SqliteDatabase(':memory:'), 2);
    const a = database.prepare('select 1');
    const b = database.prepare('select 2');
    expect(database.prepare('select 1')).toBe(a); // a is now the most recent
    database.prepare('select 3'); // evicts b
    expect(database.prepare('select 1')).toBe(a);
    expect(database.prepare('select 2')).not.toBe(b);
    database.close();
  });
});
