/**
 * The audit log of what admins change in the console: workflows saved, restored, imported, deleted
 * and switched, and the Accelevents mapping. The HighLevel call log (audit-log.ts) says what parley
 * did; this says who changed what parley does. Rows are written beside the change and never edited.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';
import { newSortableId } from '../../store/sortable-id.js';
import { decodeCursor, type KeysetPage, toPage } from './keyset-cursor.js';

export interface ConsoleChange {
  id: string;
  at: number;
  actor: string;
  /** e.g. `workflow.created`, `workflow.edited`, `workflow.restored`, `workflow.switched_off`, `mapping.saved`. */
  action: string;
  target: string;
  detail: Record<string, unknown> | null;
}

export async function recordChange(
  db: Kysely<Database>,
  change: { at: number; actor: string; action: string; target: string; detail?: Record<string, unknown> },
): Promise<void> {
  await db
    .insertInto('console_changes')
    .values({
      id: newSortableId(),
      at: change.at,
      actor: change.actor,
      action: change.action,
      target: change.target,
      detail: change.detail === undefined ? null : JSON.stringify(change.detail),
    })
    .execute();
}

export interface ChangeQuery {
  target?: string;
  limit: number;
  cursor?: string | null;
}

export async function listChanges(db: Kysely<Database>, query: ChangeQuery): Promise<KeysetPage<ConsoleChange>> {
  const after = query.cursor ? decodeCursor(query.cursor) : null;
  const rows = await db
    .selectFrom('console_changes')
    .selectAll()
    .$if(query.target !== undefined, (qb) => qb.where('target', '=', query.target as string))
    .$if(after !== null, (qb) => {
      const [at, id] = after as [number, string];
      return qb.where((eb) => eb.or([eb('at', '<', at), eb.and([eb('at', '=', at), eb('id', '<', id)])]));
    })
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute();
  return toPage(
    rows,
    query.limit,
    (row) => [Number(row.at), row.id],
    (row) => ({
      id: row.id,
      at: Number(row.at),
      actor: row.actor,
      action: row.action,
      target: row.target,
      detail: row.detail === null ? null : (JSON.parse(row.detail) as Record<string, unknown>),
    }),
  );
}
