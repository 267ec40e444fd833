/**
 * Deleting a note a HighLevel workflow added to an attendee (`parley_add_note`): a wrong or stale
 * note should not sit in every agent's panel. The row goes, and the change log (admin/change-log.ts)
 * keeps who deleted which note and what it said, in the same transaction, so a deletion is never
 * unrecorded. A repeated identical `parley_add_note` call from HighLevel later adds it again.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';
import { recordChange } from '../admin/change-log.js';
import { ConsoleError } from '../console-error.js';

/** Who may delete a note: staff who change what every agent sees (sponsors see no notes). */
export const NOTE_EDITORS = ['agent', 'admin'] as const;

export function mayDeleteNotes(role: string): boolean {
  return (NOTE_EDITORS as readonly string[]).includes(role);
}

export async function deleteNote(
  db: Kysely<Database>,
  noteId: string,
  by: { actor: string; at: number },
): Promise<{ deleted: true; id: string }> {
  return db.transaction().execute(async (trx) => {
    const note = await trx
      .selectFrom('attendee_notes')
      .select(['id', 'body', 'source', 'contact_id', 'location_id', 'event_key'])
      .where('id', '=', noteId)
      .executeTakeFirst();
    if (!note) throw new ConsoleError('not_found', `no note ${noteId}`, { field: 'noteId' });
    await trx.deleteFrom('attendee_notes').where('id', '=', noteId).execute();
    await recordChange(trx, {
      at: by.at,
      actor: by.actor,
      action: 'note.deleted',
      target: `note:${noteId}`,
      detail: {
        contactId: note.contact_id,
        locationId: note.location_id,
        eventKey: note.event_key,
        source: note.source,
        body: note.body,
      },
    });
    return { deleted: true as const, id: noteId };
  });
}
