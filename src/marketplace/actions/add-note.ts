/**
 * `parley_add_note`: a note on the contact's attendee record (table attendee_notes, migration 0016).
 * A repeated call adds nothing (once-key.ts); the answer then names the note the first call added.
 * The console shows them on the attendee read and the thread page (src/console/attendees/attendee-notes.ts).
 */

import { newSortableId } from '../../store/sortable-id.js';
import { isUniqueViolation } from '../../store/unique-violation.js';
import { branchIdOf, findMarketplaceAction } from '../action-catalog.js';
import { invalidRequest, textField } from './action-request.js';
import type { ActionCall, ActionServices } from './action-services.js';
import { onceKey } from './once-key.js';

const ACTION = findMarketplaceAction('parley_add_note');
export const MAX_NOTE_LENGTH = 5000;

export async function addNote(services: ActionServices, call: ActionCall): Promise<Record<string, unknown>> {
  const { request } = call;
  const { db } = services.deps;
  const note = textField(request.data, 'note', { required: true, maxLength: MAX_NOTE_LENGTH }) ?? '';
  const oncePer = textField(request.data, 'oncePer', { maxLength: 200 });
  const contactId = request.extras.contactId;
  if (contactId === null)
    throw invalidRequest('extras.contactId: expected the HighLevel contact id; a note belongs to a contact');
  const dedupeKey = onceKey(request, [note, oncePer]);
  const link = await db
    .selectFrom('attendee_links')
    .select(['attendee_id', 'event_key'])
    .where('location_id', '=', request.extras.locationId)
    .where('contact_id', '=', contactId)
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  const id = newSortableId();
  try {
    await db
      .insertInto('attendee_notes')
      .values({
        id,
        location_id: request.extras.locationId,
        contact_id: contactId,
        attendee_id: link?.attendee_id ?? null,
        event_key: link?.event_key ?? null,
        body: note,
        source: `marketplace:${request.extras.workflowId ?? 'unknown-workflow'}`,
        dedupe_key: dedupeKey,
        created_at: services.now(),
      })
      .execute();
    return { branchId: branchIdOf(ACTION, 'added'), added: true, duplicate: false, noteId: id, reason: '' };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const first = await db
      .selectFrom('attendee_notes')
      .select('id')
      .where('dedupe_key', '=', dedupeKey)
      .executeTakeFirstOrThrow();
    return { branchId: branchIdOf(ACTION, 'added'), added: true, duplicate: true, noteId: first.id, reason: '' };
  }
}
