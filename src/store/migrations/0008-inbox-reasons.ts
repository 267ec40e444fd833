/**
 * Every stored delivery that starts no workflow run says why. `reason_code` is stable and filterable
 * (see src/intake/inbox-reasons.ts for the codes), `reason` is the sentence an operator reads in
 * `parley inbox` and on the console's Deliveries page. The new status `skipped` marks a delivery whose
 * workflow was switched off, so it can be run once the workflow is switched back on.
 * The index serves `parley inbox list --status S --since T`, newest first.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('inbox').addColumn('reason_code', 'text').execute();
  await db.schema.alterTable('inbox').addColumn('reason', 'text').execute();
  await db.schema.createIndex('inbox_status_received_idx').on('inbox').columns(['status', 'received_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('inbox_status_received_idx').execute();
  await db.schema.alterTable('inbox').dropColumn('reason').execute();
  await db.schema.alterTable('inbox').dropColumn('reason_code').execute();
}
