/**
 * `links.save`: keeps attendeeId ↔ contactId ↔ conversationId ↔ messageId in
 * `attendee_links`. An upsert that only overwrites the fields given, so a later step can add the
 * message id without knowing the rest, and a replay writes the same row again.
 */
import type { ActionSpec } from './action-types.js';

const OPTIONAL = ['contactId', 'conversationId', 'welcomeMessageId'] as const;
const COLUMNS = {
  contactId: 'contact_id',
  conversationId: 'conversation_id',
  welcomeMessageId: 'welcome_message_id',
} as const;

function text(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  return String(value);
}

export const linksSave: ActionSpec = {
  name: 'links.save',
  description: 'store attendee ↔ contact ↔ conversation ↔ welcome message ids (attendee_links); output the ids saved',
  operations: [],
  scopes: [],
  unsafe: false,
  inputs: [
    { name: 'eventKey', required: true, place: 'action', description: "the event's URL or id" },
    { name: 'attendeeId', required: true, place: 'action', description: "the attendee's id" },
    { name: 'locationId', required: true, place: 'action', defaulted: true },
    ...OPTIONAL.map((name) => ({ name, required: false, place: 'action' as const })),
  ],
  async execute(input, context) {
    const now = context.now();
    const eventKey = String(input.eventKey);
    const attendeeId = String(input.attendeeId);
    const locationId = text(input.locationId) ?? context.locationId;
    const update: Record<string, string | number> = { location_id: locationId, updated_at: now };
    const saved: Record<string, string> = { eventKey, attendeeId, locationId };
    for (const name of OPTIONAL) {
      const value = text(input[name]);
      if (value === undefined) continue;
      update[COLUMNS[name]] = value;
      saved[name] = value;
    }
    await context.db
      .insertInto('attendee_links')
      .values({
        event_key: eventKey,
        attendee_id: attendeeId,
        location_id: locationId,
        contact_id: saved.contactId ?? null,
        conversation_id: saved.conversationId ?? null,
        welcome_message_id: saved.welcomeMessageId ?? null,
        created_at: now,
        updated_at: now,
      })
      .onConflict((conflict) => conflict.columns(['event_key', 'attendee_id']).doUpdateSet(update))
      .execute();
    return saved;
  },
};
