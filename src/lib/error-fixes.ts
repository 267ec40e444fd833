/**
 * The fix for each known error code, shown by toCliError and by `parley doctor`. Codes come from
 * the boundaries' error types (VaultErrorCode, StoreErrorCode, OAuthErrorCode, ConfigError).
 */
const FIXES: Record<string, string> = {
  invalid_config: 'correct the value named above in parley.config.yaml or the environment',
  missing_master_key: 'run `parley init` to create the key file, or set PARLEY_MASTER_KEY',
  invalid_master_key: 'PARLEY_MASTER_KEY must be 32 random bytes in base64, and the key file must have mode 0600',
  wrong_master_key:
    'the key differs from the one this database was initialised with: set PARLEY_MASTER_KEY (or restore the key file) to the original key',
  key_file_exists:
    'a key file is already there and may be the key this database uses: keep it, or move it away only if you mean to start over',
  unknown_key_id: 'a ciphertext names a data key this database does not have: restore the vault_keys table from backup',
  decrypt_failed: 'a stored secret cannot be decrypted (tampered, or a different key): reconnect the account',
  malformed_envelope: 'a stored secret is damaged: reconnect the account',
  database_unreachable: 'check DATABASE_URL (or PARLEY_DATA_DIR for SQLite) and that the database is running',
  invalid_database_url: 'DATABASE_URL must be a postgres:// or postgresql:// URL',
  migration_failed: 'check the database user may create tables, then run parley again',
  invalid_grant: 'the grant was revoked or already used: reconnect with `parley connect highlevel`',
  invalid_client: 'check highlevel.clientId in parley.config.yaml and HIGHLEVEL_CLIENT_SECRET',
  needs_reconnect: 'reconnect the account: `parley connect highlevel` (or `parley connect accelevents`)',
  refresh_failed:
    'the stored tokens are unchanged; run the command again, and check `parley doctor` if it keeps failing',
  no_connection: 'connect the location first: `parley connect highlevel`',
  disabled: 'the connection is switched off; reconnect it to use it again',
  network_error: 'check the network path to highlevel.baseUrl',
  timeout: 'check the network path to highlevel.baseUrl',
};

export function fixFor(code: string): string | undefined {
  return FIXES[code];
}
