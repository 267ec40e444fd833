/**
 * Notes HighLevel workflows added to an attendee's record (`parley_add_note`,
 * src/marketplace/actions/add-note.ts), for the console's attendee read and the thread page's panel,
 * and for `parley notes list`. Staff read them; a sponsor's views leave them out (read-attendee.ts).
 */
import type { Expression, ExpressionBuilder, Kysely, SqlBool } from 'kysely';
import type { Database } from '../../store/schema.js';

export interface AttendeeNote {
  id: string;
  body: string;
  /** Who added it, e.g. `marketplace:<workflowId>`. */
  source: string;
  eventKey: string | null;
  contactId: string;
  locationId: string;
  createdAt: number;
}

/** Notes shown, newest first. */
export const NOTES_SHOWN = 50;

/** The newest notes on any of these contacts, each contact within its own location. */
export async function notesOf(
  db: Kysely<Database>,
  contacts: readonly { locationId: string; contactId: string }[],
): Promise<AttendeeNote[]> {
  if (contacts.length === 0) return [];
  return newestNotes(
    db,
    (eb) =>
      eb.or(contacts.map((c) => eb.and([eb('location_id', '=', c.locationId), eb('contact_id', '=', c.contactId)]))),
    NOTES_SHOWN,
  );
}

/** The newest notes (at most `limit`) on an Accelevents attendee id or a HighLevel contact id. */
export async function notesFor(db: Kysely<Database>, id: string, limit: number): Promise<AttendeeNote[]> {
  return newestNotes(db, (eb) => eb.or([eb('attendee_id', '=', id), eb('contact_id', '=', id)]), limit);
}

async function newestNotes(
  db: Kysely<Database>,
  which: (eb: ExpressionBuilder<Database, 'attendee_notes'>) => Expression<SqlBool>,
  limit: number,
): Promise<AttendeeNote[]> {
  const rows = await db
    .selectFrom('attendee_notes')
    .select(['id', 'body', 'source', 'event_key', 'contact_id', 'location_id', 'created_at'])
    .where(which)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toNote);
}

function toNote(row: {
  id: string;
  body: string;
  source: string;
  event_key: string | null;
  contact_id: string;
  location_id: string;
  created_at: number;
}): AttendeeNote {
  return {
    id: row.id,
    body: row.body,
    source: row.source,
    eventKey: row.event_key,
    contactId: row.contact_id,
    locationId: row.location_id,
    createdAt: Number(row.created_at),
  };
}
