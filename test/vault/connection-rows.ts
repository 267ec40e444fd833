/**
 * Test-only: a `connections` row written with raw SQL, so the vault tests need nothing from the
 * connection repository; the `*_enc` values are whatever the test encrypted.
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../src/store/schema.js';
import type { VaultAad } from '../../src/vault/types.js';

export type EncField = 'access_token_enc' | 'refresh_token_enc' | 'api_key_enc';

export const aadFor = (id: string, field: EncField): VaultAad => ({ table: 'connections', recordId: id, field });

export async function insertConnection(
  db: Kysely<Database>,
  id: string,
  values: Partial<Record<EncField, string>>,
): Promise<void> {
  await sql`insert into connections (id, provider, kind, account_key, label, scopes, status,
      access_token_enc, refresh_token_enc, api_key_enc, created_at, updated_at)
    values (${id}, 'highlevel', 'oauth', ${`location:${id}`}, ${`test ${id}`}, 'conversations.readonly', 'ok',
      ${values.access_token_enc ?? null}, ${values.refresh_token_enc ?? null}, ${values.api_key_enc ?? null}, 1, 1)`.execute(
    db,
  );
}

export async function readEnc(db: Kysely<Database>, id: string, field: EncField): Promise<string> {
  const row = await db.selectFrom('connections').select(field).where('id', '=', id).executeTakeFirstOrThrow();
  const value = row[field];
  if (value === null) throw new Error(`connections.${field} of ${id} is null`);
  return value;
}

export async function allEnvelopes(db: Kysely<Database>): Promise<string[]> {
  const rows = await db
    .selectFrom('connections')
    .select(['access_token_enc', 'refresh_token_enc', 'api_key_enc'])
    .execute();
  return rows
    .flatMap((row) => [row.access_token_enc, row.refresh_token_enc, row.api_key_enc])
    .filter((v) => v !== null);
}
