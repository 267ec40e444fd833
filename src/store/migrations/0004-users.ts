/**
 * Console users, their API tokens and sessions, and failed login attempts.
 * No secret is stored as given: passwords as scrypt hashes, session ids, CSRF tokens and API tokens
 * as SHA-256 digests (src/console/auth/). Failed logins live here, not in memory, so the login
 * rate limit holds across every parley process sharing the database.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('email', 'text', (col) => col.notNull().unique()) // lowercased before insert
    .addColumn('password_hash', 'text', (col) => col.notNull()) // scrypt$N$r$p$salt$hash
    .addColumn('role', 'text', (col) => col.notNull()) // 'viewer' | 'agent' | 'admin' | 'sponsor'
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('disabled_at', 'bigint')
    .execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('user_id', 'text', (col) => col.notNull())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('token_sha256', 'text', (col) => col.notNull().unique())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('last_used_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id_sha256', 'text', (col) => col.primaryKey())
    .addColumn('user_id', 'text', (col) => col.notNull())
    .addColumn('csrf_token_sha256', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('expires_at', 'bigint', (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('login_failures')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('email', 'text', (col) => col.notNull()) // lowercased, as typed (the user may not exist)
    .addColumn('ip', 'text', (col) => col.notNull())
    .addColumn('at', 'bigint', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('login_failures_email_at_idx').on('login_failures').columns(['email', 'at']).execute();
  await db.schema.createIndex('login_failures_ip_at_idx').on('login_failures').columns(['ip', 'at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('login_failures').execute();
  await db.schema.dropTable('sessions').execute();
  await db.schema.dropTable('api_tokens').execute();
  await db.schema.dropTable('users').execute();
}
