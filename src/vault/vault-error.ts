/**
 * The one error type of the vault boundary. `code` is stable: the runtime, `doctor` and
 * the CLI branch on it (src/lib/error-fixes.ts holds the fix for each), never on the message.
 * Messages name the source, table, record id, field or key id involved and never carry key
 * material, ciphertext or plaintext; decrypt failures carry no `cause` so nothing from the
 * cipher can leak through it either.
 */
import { ParleyError } from '../lib/parley-error.js';
import type { VaultErrorCode } from './types.js';

/**
 * The contract's codes plus `key_file_exists`: `createKeyFile` refuses to overwrite a key file,
 * and no contract code says that (types.ts is read-only, so the extra code lives here).
 */
export type VaultErrorCodeWithKeyFile = VaultErrorCode | 'key_file_exists';

export class VaultError extends ParleyError<VaultErrorCodeWithKeyFile> {
  override readonly name = 'VaultError';
}
