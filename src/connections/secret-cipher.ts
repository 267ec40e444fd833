/**
 * The vault's AAD convention for connection secrets: `{ table: 'connections', recordId: <id>,
 * field: <column> }` (src/vault/types.ts), so a ciphertext copied to another connection or column
 * fails to decrypt. The repository and the token manager both go through here.
 */
import type { Vault } from '../vault/types.js';

export type SecretColumn = 'access_token_enc' | 'refresh_token_enc' | 'api_key_enc';

export interface SecretCipher {
  encrypt(connectionId: string, column: SecretColumn, plaintext: string): Promise<string>;
  /** Null in, null out: a column without a secret. */
  decrypt(connectionId: string, column: SecretColumn, envelope: string | null): Promise<string | null>;
  /**
   * Loads the vault's active key into its cache. Called before a refresh transaction: a vault that
   * has to read its key table while SQLite's only connection is held by that transaction would wait
   * for it forever (see refresh-connection.ts).
   */
  warm(): Promise<void>;
}

export function createSecretCipher(vault: Vault): SecretCipher {
  if (!vault || typeof vault.encrypt !== 'function' || typeof vault.decrypt !== 'function') {
    throw new TypeError('connections: `vault` (from openVault) is required; secrets are never stored in plaintext');
  }
  const aad = (recordId: string, field: SecretColumn) => ({ table: 'connections', recordId, field });
  return {
    encrypt: (connectionId, column, plaintext) => vault.encrypt(plaintext, aad(connectionId, column)),
    decrypt: async (connectionId, column, envelope) =>
      envelope === null ? null : vault.decrypt(envelope, aad(connectionId, column)),
    warm: async () => {
      await vault.currentKeyId();
    },
  };
}
