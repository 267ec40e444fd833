import { normalizePhone } from './contact-store.js';
import type { ContactRecord } from './records.js';
import type { SandboxState } from './sandbox-state.js';

export interface ContactInput {
  locationId: string;
  email?: string | undefined;
  phone?: string | undefined;
  firstName?: string | undefined;
  lastName?: string | undefined;
  name?: string | undefined;
  tags?: string[] | undefined;
  customFields?: unknown[] | undefined;
}

/**
 * HighLevel's contact upsert (contacts API v2021-07-28, modelled minimally): match a contact of the same
 * location by email (case-insensitive), then by phone; update the match or create a new contact.
 * The caller checks that at least one of email and phone is present. `matchPhone: false` matches on email
 * only (the seed, whose fictional phone numbers repeat after 1,000 attendees).
 */
export function upsertContact(
  state: SandboxState,
  input: ContactInput,
  at: number,
  newId: () => string,
  options: { matchPhone?: boolean } = {},
): { contact: ContactRecord; created: boolean } {
  const match =
    (input.email ? state.contacts.findByEmail(input.locationId, input.email) : undefined) ??
    (input.phone && options.matchPhone !== false
      ? state.contacts.findByPhone(input.locationId, input.phone)
      : undefined);
  if (match) {
    state.contacts.update(match, (c) => applyInput(c, input, at));
    return { contact: match, created: false };
  }
  const contact: ContactRecord = {
    id: newId(),
    locationId: input.locationId,
    email: null,
    phone: null,
    firstName: null,
    lastName: null,
    name: null,
    tags: [],
    customFields: [],
    dateAdded: at,
    dateUpdated: at,
  };
  applyInput(contact, input, at);
  state.contacts.insert(contact);
  return { contact, created: true };
}

function applyInput(c: ContactRecord, input: ContactInput, at: number): void {
  if (input.email) c.email = input.email.trim();
  // HighLevel stores phones in E.164; the sandbox keeps the digits and the leading +.
  if (input.phone) c.phone = normalizePhone(input.phone);
  if (input.firstName !== undefined) c.firstName = input.firstName;
  if (input.lastName !== undefined) c.lastName = input.lastName;
  if (input.name !== undefined && input.firstName === undefined && input.lastName === undefined) {
    // Only a full name given: split it the way a person would read it, first word and the rest.
    const [first, ...rest] = input.name.trim().split(/\s+/);
    c.firstName = first || null;
    c.lastName = rest.length > 0 ? rest.join(' ') : null;
  }
  const joined = [c.firstName, c.lastName].filter((p): p is string => Boolean(p)).join(' ');
  c.name = input.name ?? (joined.length > 0 ? joined : c.name);
  if (input.tags !== undefined) c.tags = [...new Set(input.tags)];
  if (input.customFields !== undefined) c.customFields = input.customFields;
  c.dateUpdated = at;
}
