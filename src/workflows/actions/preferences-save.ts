/**
 * `preferences.save`: an attendee's answer to a preference question (the check-in welcome),
 * one value per (location, contact, key); a later answer replaces the earlier one.
 */
import type { ActionSpec } from './action-types.js';

export const preferencesSave: ActionSpec = {
  name: 'preferences.save',
  description: "store a contact's preference (preferences table); output { contactId, key, value }",
  operations: [],
  scopes: [],
  unsafe: false,
  inputs: [
    { name: 'contactId', required: true, place: 'action', description: 'the HighLevel contact id' },
    { name: 'key', required: true, place: 'action', description: 'the name of the preference' },
    { name: 'value', required: true, place: 'action', description: 'the answer to store' },
    { name: 'locationId', required: true, place: 'action', defaulted: true },
  ],
  async execute(input, context) {
    const now = context.now();
    const locationId =
      typeof input.locationId === 'string' && input.locationId !== '' ? input.locationId : context.locationId;
    const contactId = String(input.contactId);
    const key = String(input.key);
    const value = typeof input.value === 'string' ? input.value.trim() : JSON.stringify(input.value);
    await context.db
      .insertInto('preferences')
      .values({ location_id: locationId, contact_id: contactId, key, value, received_at: now })
      .onConflict((conflict) =>
        conflict.columns(['location_id', 'contact_id', 'key']).doUpdateSet({ value, received_at: now }),
      )
      .execute();
    return { contactId, key, value };
  },
};
