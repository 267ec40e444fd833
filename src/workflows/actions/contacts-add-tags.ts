/**
 * `contacts.add-tags`: adds tags to a HighLevel contact (POST /contacts/{contactId}/tags,
 * https://marketplace.gohighlevel.com/docs/ghl/contacts/add-tags). Adding a tag the contact already
 * has changes nothing, so a repeated step is harmless. `tags` is one tag or a list; empty ones are
 * left out, and a step with none left makes no call.
 */
import { findOperation } from '../../highlevel/operation-catalog.js';
import { type ActionSpec, callHighLevel } from './action-types.js';

function tagsOf(value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value];
  const tags = list.filter((tag) => tag !== undefined && tag !== null).map((tag) => String(tag).trim());
  return [...new Set(tags.filter((tag) => tag !== ''))];
}

export const contactsAddTags: ActionSpec = {
  name: 'contacts.add-tags',
  description: 'add tags to a contact (POST /contacts/{contactId}/tags); output { contactId, tags }',
  operations: ['add-tags'],
  scopes: findOperation('add-tags').scopes,
  unsafe: false,
  inputs: [
    { name: 'contactId', required: true, place: 'path', description: 'the HighLevel contact id' },
    { name: 'tags', required: true, place: 'body', description: 'a tag or a list of tags' },
  ],
  async execute(input, context) {
    const contactId = String(input.contactId);
    const tags = tagsOf(input.tags);
    if (tags.length === 0) return { contactId, tags: [] };
    const result = await callHighLevel<{ tags?: string[] }>(context, 'add-tags', {
      path: { contactId },
      body: { tags },
    });
    return { contactId, tags: result.data.tags ?? tags };
  },
};
