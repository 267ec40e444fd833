/**
 * A marketplace subscription whose workflow's target URL answered 404 or 410 is paused (`status` =
 * 'gone') rather than fired at again; `inactive_reason` says why and when, for the admin page. A later
 * CREATED or UPDATED from HighLevel makes it active again (src/marketplace/subscriptions.ts).
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('marketplace_subscriptions').addColumn('inactive_reason', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('marketplace_subscriptions').dropColumn('inactive_reason').execute();
}
