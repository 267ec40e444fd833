/**
 * Request schemas of the contact operations (types.ts CONTACT_OPERATIONS). HighLevel's contacts
 * API is not in specs/highlevel, so these are written here, modelled on its v2021-07-28 upsert
 * (locationId required; email, phone, names, tags, customFields optional) and add-tags (tags required).
 */
import type { OperationSchemas } from './operation-schemas.js';

const stringParam = (name: string) => ({ name, required: true, schema: { type: 'string' }, commaList: false });

export const CONTACT_OPERATION_SCHEMAS: OperationSchemas[] = [
  {
    operationId: 'upsert-contact',
    pathParams: [],
    queryParams: [],
    body: {
      contentType: 'application/json',
      required: true,
      schema: {
        type: 'object',
        properties: {
          locationId: { type: 'string' },
          email: { type: 'string' },
          phone: { type: 'string' },
          firstName: { type: 'string' },
          lastName: { type: 'string' },
          name: { type: 'string' },
          tags: { type: 'array', items: { type: 'string' } },
          customFields: { type: 'array' },
        },
        required: ['locationId'],
      },
    },
  },
  { operationId: 'get-contact', pathParams: [stringParam('contactId')], queryParams: [], body: null },
  {
    // https://marketplace.gohighlevel.com/docs/ghl/contacts/add-tags
    operationId: 'add-tags',
    pathParams: [stringParam('contactId')],
    queryParams: [],
    body: {
      contentType: 'application/json',
      required: true,
      schema: {
        type: 'object',
        properties: { tags: { type: 'array', items: { type: 'string' } } },
        required: ['tags'],
      },
    },
  },
];
