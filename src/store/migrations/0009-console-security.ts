/**
 * Console security:
 * - `login_attempts` replaces `login_failures`: one counter per email and per IP for the current
 *   15-minute window, bumped with a single upsert before the password is checked, so parallel
 *   guesses cannot all pass a check that ran before any of them was recorded
 *   (src/console/auth/login-rate-limit.ts).
 * - `oauth_states.session_sha256`: the console session an install was started from (SHA-256 of its
 *   id); null for an install the operator started with `parley connect highlevel`.
 * - `api_tokens.expires_at`: an optional end of life for a token (`parley users token --expires 30d`).
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('login_attempts')
    .addColumn('scope', 'text', (col) => col.notNull()) // 'email' | 'ip'
    .addColumn('subject', 'text', (col) => col.notNull()) // the lowercased email or the IP
    .addColumn('window_started_at', 'bigint', (col) => col.notNull())
    .addColumn('attempts', 'integer', (col) => col.notNull())
    .addPrimaryKeyConstraint('login_attempts_pkey', ['scope', 'subject'])
    .execute();
  // Failures in flight are only throttling state; nothing in them is worth carrying over.
  await db.schema.dropTable('login_failures').execute();
  await db.schema.alterTable('oauth_states').addColumn('session_sha256', 'text').execute();
  await db.schema.alterTable('api_tokens').addColumn('expires_at', 'bigint').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('api_tokens').dropColumn('expires_at').execute();
  await db.schema.alterTable('oauth_states').dropColumn('session_sha256').execute();
  await db.schema
    .createTable('login_failures')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('email', 'text', (col) => col.notNull())
    .addColumn('ip', 'text', (col) => col.notNull())
    .addColumn('at', 'bigint', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('login_failures_email_at_idx').on('login_failures').columns(['email', 'at']).execute();
  await db.schema.createIndex('login_failures_ip_at_idx').on('login_failures').columns(['ip', 'at']).execute();
  await db.schema.dropTable('login_attempts').execute();
}
