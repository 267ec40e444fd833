/**
 * Admins switch workflows off and on from the console without editing config or
 * restarting: the switch is a `settings` row (`workflow.disabled.<name>`), read by every process's
 * runner before it starts a run, so a `serve` process and several workers agree. No row means on.
 * A switched-off workflow starts no new runs; runs already in flight finish (their steps are journaled).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

const PREFIX = 'workflow.disabled.';

export async function isWorkflowEnabled(db: Kysely<Database>, name: string): Promise<boolean> {
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', PREFIX + name)
    .executeTakeFirst();
  return row?.value !== 'true';
}

export async function setWorkflowEnabled(
  db: Kysely<Database>,
  name: string,
  enabled: boolean,
  now: number,
): Promise<void> {
  if (enabled) {
    await db
      .deleteFrom('settings')
      .where('key', '=', PREFIX + name)
      .execute();
    return;
  }
  await db
    .insertInto('settings')
    .values({ key: PREFIX + name, value: 'true', updated_at: now })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: 'true', updated_at: now }))
    .execute();
}

/** Names of every switched-off workflow. */
export async function disabledWorkflows(db: Kysely<Database>): Promise<Set<string>> {
  const rows = await db.selectFrom('settings').select('key').where('key', 'like', `${PREFIX}%`).execute();
  return new Set(rows.map((r) => r.key.slice(PREFIX.length)));
}
