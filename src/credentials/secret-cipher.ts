/**
 * The vault's AAD convention for connection secrets: `{ table: 'connections', recordId: <id>,
 * field: <column> }` (src/vault/types.ts), so a ciphertext copied to another connection or column
 * fails to decrypt. The repository and the token manager both go through here.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { Vault } from '../vault/types.js';

export type SecretColumn = 'access_token_enc' | 'refresh_token_enc' | 'api_key_enc';

export interface SecretCipher {
  /** `db`: the transaction the caller holds, for the vault's key-table reads (see VaultReadOptions). */
  encrypt(connectionId: string, column: SecretColumn, plaintext: string, db?: Kysely<Database>): Promise<string>;
  /** Null in, null out: a column without a secret. */
  decrypt(connectionId: string, column: SecretColumn, envelope: string | null): Promise<string | null>;
}

export function createSecretCipher(vault: Vault): SecretCipher {
  if (!vault || typeof vault.encrypt !== 'function' || typeof vault.decrypt !== 'function') {
    throw new TypeError('connections: `vault` (from openVault) is required; secrets are never stored in plaintext');
  }
  const aad = (recordId: string, field: SecretColumn) => ({ table: 'connections', recordId, field });
  return {
    encrypt: (connectionId, column, plaintext, db) =>
      vault.encrypt(plaintext, aad(connectionId, column), db === undefined ? undefined : { db }),
    decrypt: async (connectionId, column, envelope) =>
      envelope === null ? null : vault.decrypt(envelope, aad(connectionId, column)),
  };
}
