/**
 * One re-encryption pass over every column in ENCRYPTED_COLUMNS (src/vault/types.ts): each value
 * whose envelope does not name the new key is decrypted and encrypted again under it. The write is
 * a compare-and-swap (`… WHERE id = ? AND col = <old value>`), so a value another process wrote
 * meanwhile (a token refresh) is never overwritten; it is counted as `changed` and looked at again
 * on the next pass. Rows are walked by id in batches, so a pass holds no long transaction.
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from '../store/schema.js';
import { envelopePrefix } from './envelope.js';
import { ENCRYPTED_COLUMNS, type VaultAad } from './types.js';
import { VaultError } from './vault-error.js';

export interface EncryptedColumn {
  table: string;
  idColumn: string;
  field: string;
}

/** Decrypts `value` and encrypts it again under the new key. */
export type Reencrypt = (value: string, aad: VaultAad) => Promise<string>;

export interface RotationFailure {
  table: string;
  recordId: string;
  field: string;
  code: string;
}

export interface PassResult {
  /** Values found under another key (not counting ones that already failed). */
  found: number;
  reencrypted: number;
  /** Values that changed between read and write; the next pass sees them again. */
  changed: number;
  /** Values that could not be decrypted this pass; later passes skip them. */
  failures: RotationFailure[];
}

export interface PassOptions {
  db: Kysely<Database>;
  newKid: string;
  reencrypt: Reencrypt;
  /** `table:recordId:field` of values that failed earlier; they are not retried. */
  skip: ReadonlySet<string>;
  batchSize?: number;
}

export function encryptedColumns(): EncryptedColumn[] {
  return ENCRYPTED_COLUMNS.flatMap(({ table, idColumn, fields }) =>
    fields.map((field) => ({ table, idColumn, field })),
  );
}

export function failureKey(column: Pick<EncryptedColumn, 'table' | 'field'>, recordId: string): string {
  return `${column.table}:${recordId}:${column.field}`;
}

export async function reencryptPass(options: PassOptions): Promise<PassResult> {
  const result: PassResult = { found: 0, reencrypted: 0, changed: 0, failures: [] };
  const batchSize = options.batchSize ?? 100;
  for (const column of encryptedColumns()) {
    let after: string | undefined;
    for (;;) {
      const rows = await selectUnderOtherKeys(options.db, column, options.newKid, after, batchSize);
      for (const row of rows) {
        if (options.skip.has(failureKey(column, row.id))) continue;
        result.found++;
        try {
          const outcome = await reencryptValue(options.db, column, row.id, row.value, options.reencrypt);
          result[outcome]++;
        } catch (error) {
          if (!(error instanceof VaultError)) throw error;
          result.failures.push({ table: column.table, recordId: row.id, field: column.field, code: error.code });
        }
      }
      if (rows.length < batchSize) break;
      after = rows[rows.length - 1]!.id;
    }
  }
  return result;
}

/**
 * Re-encrypts one value with a compare-and-swap write. 'changed' means the stored value is no
 * longer `oldValue` (someone wrote a fresh one, or the row is gone), and nothing was written.
 */
export async function reencryptValue(
  db: Kysely<Database>,
  column: EncryptedColumn,
  recordId: string,
  oldValue: string,
  reencrypt: Reencrypt,
): Promise<'reencrypted' | 'changed'> {
  const fresh = await reencrypt(oldValue, { table: column.table, recordId, field: column.field });
  const { table, idColumn, field } = column;
  // Only while the new value's key is still the active one: a rotation superseded by a concurrent one
  // must not write values under its now-retired key after the winner's passes have looked (the
  // envelope's second part is its kid, envelope.ts).
  const kid = fresh.split('.', 3)[1] ?? '';
  const result = await sql`update ${sql.table(table)} set ${sql.ref(field)} = ${fresh}
    where ${sql.ref(idColumn)} = ${recordId} and ${sql.ref(field)} = ${oldValue}
    and exists (select 1 from vault_keys where kid = ${kid} and status = 'active')`.execute(db);
  return Number(result.numAffectedRows ?? 0n) === 1 ? 'reencrypted' : 'changed';
}

/** How many values are still under a key other than `kid`, in every encrypted column. */
export async function countUnderOtherKeys(db: Kysely<Database>, kid: string): Promise<number> {
  let total = 0;
  for (const { table, field } of encryptedColumns()) {
    const row = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}
      where ${notUnder(field, kid)}`.execute(db);
    total += Number(row.rows[0]?.n ?? 0);
  }
  return total;
}

async function selectUnderOtherKeys(
  db: Kysely<Database>,
  { table, idColumn, field }: EncryptedColumn,
  kid: string,
  after: string | undefined,
  limit: number,
): Promise<{ id: string; value: string }[]> {
  const id = sql.ref(idColumn);
  const page = after === undefined ? sql`` : sql`and ${id} > ${after}`;
  const { rows } = await sql<{ id: string; value: string }>`select ${id} as id, ${sql.ref(field)} as value
    from ${sql.table(table)} where ${notUnder(field, kid)} ${page} order by ${id} limit ${limit}`.execute(db);
  return rows;
}

/** `substr`, not LIKE: key ids contain `_`, which LIKE would read as a wildcard. */
function notUnder(field: string, kid: string) {
  const prefix = envelopePrefix(kid);
  const column = sql.ref(field);
  return sql`${column} is not null and substr(${column}, 1, ${prefix.length}) <> ${prefix}`;
}
