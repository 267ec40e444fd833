/**
 * A webhook about a contact the index cannot name (someone who wrote in without registering, or a
 * conversation started in HighLevel) gets the contact read once, with the job's get-contact, and kept
 * in `index_contacts` (src/search/contact-details.ts), so the console does not list "Unknown contact"
 * for a contact HighLevel can name. A contact read once is not read again for later messages. A failed
 * read leaves the row as it was and does not fail the job: the message itself is already mirrored.
 */
import type { Kysely } from 'kysely';
import { HighLevelError } from '../../highlevel/errors.js';
import type { Logger } from '../../lib/create-logger.js';
import { contactDetailsOf, contactStillUnknown, rememberContact } from '../../search/contact-details.js';
import type { Database } from '../../store/schema.js';

export type ContactLookup = (contactId: string, locationId: string) => Promise<Record<string, unknown>>;

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

export async function nameIndexedContact(
  db: Kysely<Database>,
  event: Record<string, unknown>,
  options: { lookup: ContactLookup; now: number; logger: Logger },
): Promise<void> {
  // Message events only: the unread update HighLevel sends beside each inbound message would race it.
  if (event.type !== 'InboundMessage' && event.type !== 'OutboundMessage') return;
  const locationId = text(event.locationId);
  const contactId = text(event.contactId);
  const conversationId = text(event.conversationId);
  if (!locationId || !contactId || !conversationId) return;
  if (!(await contactStillUnknown(db, { locationId, contactId, conversationId }))) return;
  let contact: Record<string, unknown>;
  try {
    contact = await options.lookup(contactId, locationId);
  } catch (error) {
    if (!(error instanceof HighLevelError)) throw error;
    options.logger.warn(
      { contactId, status: error.status, code: error.code },
      'could not read a contact the index does not know; its conversation stays unnamed until the next index sync',
    );
    return;
  }
  await rememberContact(db, { locationId, contactId, details: contactDetailsOf(contact), now: options.now });
}
