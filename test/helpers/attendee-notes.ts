/** A note as the parley_add_note marketplace action stores it (src/marketplace/actions/add-note.ts). */
import type { Kysely } from 'kysely';
import type { Database } from '../../src/store/schema.js';

export interface SeededNote {
  id: string;
  locationId: string;
  contactId: string;
  attendeeId: string | null;
  body: string;
  createdAt: number;
  eventKey?: string | null;
  source?: string;
}

export async function insertNote(db: Kysely<Database>, note: SeededNote): Promise<void> {
  await db
    .insertInto('attendee_notes')
    .values({
      id: note.id,
      location_id: note.locationId,
      contact_id: note.contactId,
      attendee_id: note.attendeeId,
      event_key: note.eventKey === undefined ? 'check-in:devconf-2026' : note.eventKey,
      body: note.body,
      source: note.source ?? 'marketplace:wf-notes',
      dedupe_key: `dedupe-${note.id}`,
      created_at: note.createdAt,
    })
    .execute();
}
