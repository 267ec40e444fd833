/**
 * Credentials: the vault's data keys, connection records with their encrypted secrets, and
 * single-use OAuth states. Secrets are stored only as vault envelopes (`*_enc` columns); nothing in
 * these tables is a plaintext token or key.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Data keys, each wrapped (AES-256-GCM) under the master key; `kid` is carried by every ciphertext.
  await db.schema
    .createTable('vault_keys')
    .addColumn('kid', 'text', (col) => col.primaryKey())
    .addColumn('wrapped_key', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull()) // 'active' | 'retired'
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('retired_at', 'bigint')
    .execute();

  await db.schema
    .createTable('connections')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('provider', 'text', (col) => col.notNull()) // 'highlevel' | 'accelevents'
    .addColumn('kind', 'text', (col) => col.notNull()) // 'oauth' | 'pit' | 'location_token' | 'api_key'
    // One live connection per account: 'location:<id>', 'company:<id>' or 'accelevents:<base url>'.
    .addColumn('account_key', 'text', (col) => col.notNull().unique())
    .addColumn('label', 'text', (col) => col.notNull())
    .addColumn('user_type', 'text') // 'Location' | 'Company'
    .addColumn('location_id', 'text')
    .addColumn('company_id', 'text')
    .addColumn('parent_id', 'text') // the agency connection that minted a location token
    .addColumn('scopes', 'text', (col) => col.notNull()) // space-separated, as HighLevel grants them
    .addColumn('status', 'text', (col) => col.notNull()) // 'ok' | 'needs_reconnect' | 'disabled'
    .addColumn('status_reason', 'text')
    .addColumn('access_token_enc', 'text')
    .addColumn('refresh_token_enc', 'text')
    .addColumn('api_key_enc', 'text')
    .addColumn('expires_at', 'bigint')
    .addColumn('last_refresh_at', 'bigint')
    .addColumn('refresh_failures', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('refresh_failure_day', 'text') // UTC yyyy-mm-dd of the counted failures
    .addColumn('settings', 'text', (col) => col.notNull().defaultTo('{}')) // non-secret JSON
    // Bumped on every token write; "the stored token is unchanged" means "the version is unchanged".
    .addColumn('version', 'integer', (col) => col.notNull().defaultTo(1))
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('updated_at', 'bigint', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('connections_location_id_idx').on('connections').column('location_id').execute();
  await db.schema.createIndex('connections_expires_at_idx').on('connections').column('expires_at').execute();

  // OAuth `state` values (CSRF): stored hashed, single-use, short-lived.
  await db.schema
    .createTable('oauth_states')
    .addColumn('state_hash', 'text', (col) => col.primaryKey())
    .addColumn('provider', 'text', (col) => col.notNull())
    .addColumn('redirect_uri', 'text', (col) => col.notNull())
    .addColumn('scopes', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('expires_at', 'bigint', (col) => col.notNull())
    .addColumn('used_at', 'bigint')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('oauth_states').execute();
  await db.schema.dropTable('connections').execute();
  await db.schema.dropTable('vault_keys').execute();
}
