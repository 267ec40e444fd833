/**
 * Contacts: not part of the conversations spec, but a conversation needs one. Modelled
 * minimally on HighLevel's contacts API v2021-07-28: POST /contacts/upsert, GET /contacts/{contactId}
 * and POST /contacts/{contactId}/tags.
 */
import { upsertContact } from '../state/write-contact.js';
import { assertLocation, optionalString, requireContact } from './access.js';
import { unprocessable } from './domain-error.js';
import type { HandlerDeps, HandlerMap } from './handler-deps.js';
import { contactView } from './views.js';

export function contactHandlers({ state }: HandlerDeps): HandlerMap {
  return {
    'upsert-contact': (req, ctx) => {
      const body = req.body ?? {};
      assertLocation(req.principal, body.locationId);
      const email = optionalString(body.email);
      const phone = optionalString(body.phone);
      if (!email && !phone) {
        throw unprocessable(['email or phone is required: give at least one of them to match or create the contact']);
      }
      const { contact, created } = upsertContact(
        state,
        {
          locationId: body.locationId,
          email,
          phone,
          firstName: optionalString(body.firstName),
          lastName: optionalString(body.lastName),
          name: optionalString(body.name),
          tags: Array.isArray(body.tags) ? body.tags.map(String) : undefined,
          customFields: Array.isArray(body.customFields) ? body.customFields : undefined,
        },
        ctx.now(),
        () => ctx.newId(),
      );
      return { status: 200, body: { new: created, contact: contactView(contact), traceId: ctx.newId() } };
    },

    'get-contact': (req) => {
      const contact = requireContact(state, req.principal, req.params.contactId ?? '');
      return { status: 200, body: { contact: contactView(contact) } };
    },

    // Adds to the contact's tags (a tag it has already is kept once) and answers 201 with all of them.
    'add-tags': (req, ctx) => {
      const contact = requireContact(state, req.principal, req.params.contactId ?? '');
      const tags = (req.body?.tags ?? []).map(String).map((tag: string) => tag.trim());
      if (tags.some((tag: string) => tag === '')) throw unprocessable(['tags must not contain an empty tag']);
      state.contacts.update(contact, (c) => {
        c.tags = [...new Set([...c.tags, ...tags])];
        c.dateUpdated = ctx.now();
      });
      return { status: 201, body: { tags: contact.tags } };
    },
  };
}
