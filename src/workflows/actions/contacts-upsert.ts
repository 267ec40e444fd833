/**
 * `contacts.upsert`: the contact a conversation needs, the first step of a welcome. HighLevel matches by
 * email or phone (the location's duplicate setting decides), so repeating it is safe. The journal keeps
 * only the id and whether it was new: the attendee's details are already in the event, and attendee
 * data is kept to a minimum.
 */
import type { UpsertContactResponse } from '../../highlevel/contacts-api.js';
import { findOperation } from '../../highlevel/operation-catalog.js';
import { type ActionInputSpec, type ActionSpec, callHighLevel } from './action-types.js';
import { indexWhatWeWrote } from './index-what-we-wrote.js';

const FIELDS = ['email', 'phone', 'firstName', 'lastName', 'name', 'timezone', 'tags', 'source', 'customFields'];

const INPUTS: ActionInputSpec[] = [
  { name: 'locationId', required: true, place: 'body', defaulted: true },
  ...FIELDS.map((name): ActionInputSpec => ({ name, required: false, place: 'body' })),
];

export const contactsUpsert: ActionSpec = {
  name: 'contacts.upsert',
  description: 'create or update the contact by email/phone (POST /contacts/upsert); output { id, new }',
  operations: ['upsert-contact'],
  scopes: findOperation('upsert-contact').scopes,
  unsafe: false,
  inputs: INPUTS,
  async execute(input, context) {
    const body: Record<string, unknown> = { locationId: context.locationId };
    for (const [name, value] of Object.entries(input)) {
      // An attendee without a phone renders '' here; HighLevel would reject an empty phone.
      if (value !== undefined && value !== null && value !== '') body[name] = value;
    }
    const result = await callHighLevel<UpsertContactResponse>(context, 'upsert-contact', { body });
    // The index names this contact's conversations from it (src/search/contact-details.ts).
    await indexWhatWeWrote(context, 'upsert-contact', { body }, result.data);
    return { id: result.data.contact.id, new: result.data.new };
  },
};
