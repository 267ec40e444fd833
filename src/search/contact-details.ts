/**
 * Contacts' names, emails and phones for the index (`index_contacts`): what parley last learnt about a
 * contact, from the contact it upserted or from get-contact when a webhook named a contact the index
 * did not know. Conversation rows of the contact take the details from here, so search finds them by
 * name and email and the console never has to show a contact without a name it could know.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

export interface ContactDetails {
  name: string | null;
  email: string | null;
  phone: string | null;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/** A HighLevel contact (get-contact, upsert-contact answers, or the body sent) as the index's details. */
export function contactDetailsOf(contact: Record<string, unknown> | null | undefined): ContactDetails {
  const whole = text(contact?.name) ?? text(contact?.contactName);
  const parts = [text(contact?.firstName), text(contact?.lastName)].filter((p): p is string => p !== null);
  return {
    name: whole ?? (parts.length > 0 ? parts.join(' ') : null),
    email: text(contact?.email)?.toLowerCase() ?? null,
    phone: text(contact?.phone),
  };
}

/** The details the index keeps for a contact, or null when it has never learnt them. */
export async function knownContact(
  db: Kysely<Database>,
  locationId: string,
  contactId: string,
): Promise<ContactDetails | null> {
  const row = await db
    .selectFrom('index_contacts')
    .select(['name', 'email', 'phone'])
    .where('location_id', '=', locationId)
    .where('contact_id', '=', contactId)
    .executeTakeFirst();
  return row ?? null;
}

/**
 * Keeps what parley learnt about a contact and names the contact's conversation rows with it. A detail
 * it did not learn (null) keeps the one stored. Conversation rows keep their `updated_at`: a contact's
 * name is not a change HighLevel made to the conversation, and that column versions the conversation.
 */
export async function rememberContact(
  db: Kysely<Database>,
  input: { locationId: string; contactId: string; details: ContactDetails; now: number },
): Promise<void> {
  const { locationId, contactId, details, now } = input;
  const known = await knownContact(db, locationId, contactId);
  const merged: ContactDetails = {
    name: details.name ?? known?.name ?? null,
    email: details.email?.toLowerCase() ?? known?.email ?? null,
    phone: details.phone ?? known?.phone ?? null,
  };
  await db
    .insertInto('index_contacts')
    .values({ location_id: locationId, contact_id: contactId, ...merged, updated_at: now })
    .onConflict((oc) => oc.columns(['location_id', 'contact_id']).doUpdateSet({ ...merged, updated_at: now }))
    .execute();
  await nameConversations(db, locationId, contactId, merged);
}

/** Sets the details on every conversation row of the contact; null details leave the stored ones. */
export async function nameConversations(
  db: Kysely<Database>,
  locationId: string,
  contactId: string,
  details: ContactDetails,
): Promise<void> {
  const set = {
    ...(details.name !== null ? { contact_name: details.name } : {}),
    ...(details.email !== null ? { contact_email: details.email.toLowerCase() } : {}),
    ...(details.phone !== null ? { contact_phone: details.phone } : {}),
  };
  if (Object.keys(set).length === 0) return;
  await db
    .updateTable('index_conversations')
    .set(set)
    .where('location_id', '=', locationId)
    .where('contact_id', '=', contactId)
    .execute();
}

/**
 * Whether a conversation row of the contact still has no name, email and phone after taking what the
 * index already knows about the contact: the caller then asks HighLevel (get-contact) once.
 */
export async function contactStillUnknown(
  db: Kysely<Database>,
  input: { locationId: string; contactId: string; conversationId: string },
): Promise<boolean> {
  const row = await db
    .selectFrom('index_conversations')
    .select(['contact_name', 'contact_email', 'contact_phone'])
    .where('conversation_id', '=', input.conversationId)
    .executeTakeFirst();
  if (!row || row.contact_name !== null || row.contact_email !== null || row.contact_phone !== null) return false;
  const known = await knownContact(db, input.locationId, input.contactId);
  // A contact fetched before is not fetched again, even when HighLevel had no name for it.
  if (known) {
    await nameConversations(db, input.locationId, input.contactId, known);
    return false;
  }
  return true;
}
