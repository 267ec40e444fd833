/**
 * The vault's contract. Implemented in this folder; used by connections and Accelevents.
 *
 * Envelope format: `v1.<kid>.<iv b64url>.<tag b64url>.<ciphertext b64url>`, AES-256-GCM with a
 * 12-byte random IV and 16-byte tag. The AAD is `<table>:<recordId>:<field>`, so a ciphertext
 * copied to another row or column fails to decrypt.
 */

import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

/** Binds a ciphertext to the record and field it belongs to. */
export interface VaultAad {
  table: string;
  recordId: string;
  field: string;
}

/** Where the vault reads its key table for one call. */
export interface VaultReadOptions {
  /**
   * The connection to read `vault_keys` through. A caller inside a SQLite transaction passes it: the
   * store has one connection, and a read through the pool would wait for that transaction forever.
   */
  db?: Kysely<Database>;
}

export interface Vault {
  /** Encrypts under the current data key. */
  encrypt(plaintext: string, aad: VaultAad, options?: VaultReadOptions): Promise<string>;
  /** Decrypts any envelope whose data key exists (current or retired); throws VaultError otherwise. */
  decrypt(envelope: string, aad: VaultAad): Promise<string>;
  /** The key id new ciphertexts get. */
  currentKeyId(): Promise<string>;
}

export type VaultErrorCode =
  | 'missing_master_key' // neither PARLEY_MASTER_KEY nor a key file
  | 'invalid_master_key' // wrong length / not base64 / key file mode too open
  | 'wrong_master_key' // does not match the key this database was initialised with
  | 'unknown_key_id' // envelope names a kid that does not exist
  | 'decrypt_failed' // tampered ciphertext, tag, AAD, or wrong key
  | 'malformed_envelope';

/** Every column that holds a vault envelope, so rotation and plaintext scans know where to look. */
export const ENCRYPTED_COLUMNS = [
  { table: 'connections', idColumn: 'id', fields: ['access_token_enc', 'refresh_token_enc', 'api_key_enc'] },
] as const;
