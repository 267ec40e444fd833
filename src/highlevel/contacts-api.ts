/**
 * Contacts: upsert, get and add tags. A conversation needs a contact, but contacts are not in the
 * vendored specs (specs/highlevel has only conversations and OAuth), so these request and response
 * types are hand-written here, kept minimal, from HighLevel's published Contacts API pages
 * (https://marketplace.gohighlevel.com/docs/ghl/contacts/upsert-contact, get-contact, add-tags). The
 * sandbox serves the same paths (src/sandbox/highlevel/types.ts, CONTACT_OPERATIONS).
 */

import type { HighLevelCaller } from './client-types.js';
import type { CallOptions } from './conversations-api.js';
import type { OperationDescriptor } from './operation-descriptor.js';

/** The Contacts API declares `Version: 2021-07-28` (not the conversations 2021-04-15). */
export const CONTACTS_API_VERSION = '2021-07-28';

export const CONTACT_OPERATIONS: readonly OperationDescriptor[] = [
  {
    operationId: 'upsert-contact',
    method: 'POST',
    path: '/contacts/upsert',
    scopes: ['contacts.write'],
    pathParams: [],
    queryParams: [],
    bodyContentType: 'application/json',
    bodyRequired: true,
    version: CONTACTS_API_VERSION,
    responseKind: 'json',
  },
  {
    operationId: 'get-contact',
    method: 'GET',
    path: '/contacts/{contactId}',
    scopes: ['contacts.readonly'],
    pathParams: ['contactId'],
    queryParams: [],
    bodyContentType: null,
    bodyRequired: false,
    version: CONTACTS_API_VERSION,
    responseKind: 'json',
  },
  {
    // https://marketplace.gohighlevel.com/docs/ghl/contacts/add-tags: body { tags }, answers 201 { tags }.
    operationId: 'add-tags',
    method: 'POST',
    path: '/contacts/{contactId}/tags',
    scopes: ['contacts.write'],
    pathParams: ['contactId'],
    queryParams: [],
    bodyContentType: 'application/json',
    bodyRequired: true,
    version: CONTACTS_API_VERSION,
    responseKind: 'json',
  },
];

export interface UpsertContactBody {
  locationId: string;
  email?: string | null;
  phone?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  name?: string | null;
  timezone?: string | null;
  /** Replaces all tags of the contact. */
  tags?: string[];
  source?: string | null;
  customFields?: { id?: string; key?: string; field_value: unknown }[];
}

export interface HighLevelContact {
  id: string;
  locationId: string;
  email?: string | null;
  phone?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  name?: string | null;
  tags?: string[];
  [field: string]: unknown;
}

export interface UpsertContactResponse {
  /** True when the upsert created the contact. */
  new: boolean;
  contact: HighLevelContact;
  traceId?: string;
}

export interface GetContactResponse {
  contact: HighLevelContact;
}

export function createContactsApi(caller: HighLevelCaller) {
  return {
    /** Idempotent by email/phone (the location's duplicate setting decides), so it is retried like a read. */
    upsertContact: async (body: UpsertContactBody, options: CallOptions = {}) =>
      (await caller.call<UpsertContactResponse>('upsert-contact', { ...options, body })).data,

    getContact: async (contactId: string, options: CallOptions = {}) =>
      (await caller.call<GetContactResponse>('get-contact', { ...options, path: { contactId } })).data,
  };
}

export type ContactsApi = ReturnType<typeof createContactsApi>;
