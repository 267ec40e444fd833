/**
 * The attendee a HighLevel workflow asks about: parley's links (attendee ↔ contact, per event;
 * src/preferences/attendee-answers.ts) for the contact, or for the contacts with the email given,
 * only ever within the calling location; then the ticket as Accelevents has it now (type, status,
 * check-in), found by its barcode through the attendee list's search, and the contact's preference
 * answers. Accelevents being down or not connected leaves the ticket fields null rather than failing
 * the lookup: what parley itself knows is still the answer.
 */
import type { Kysely } from 'kysely';
import type { AcceleventsClient } from '../../accelevents/client.js';
import type { AcceleventsAttendee } from '../../accelevents/types.js';
import type { Logger } from '../../lib/create-logger.js';
import { answersOf } from '../../preferences/attendee-answers.js';
import type { Database } from '../../store/schema.js';
import type { ShortCache } from './short-cache.js';

/** attendee_links.event_key prefix of the check-in welcome's links (workflows/builtin/checkin-welcome.yaml). */
const CHECK_IN_PREFIX = 'check-in:';
/** The barcode search answers every holder whose name, email or barcode contains it; one page is plenty. */
const SEARCH_PAGE_SIZE = 25;

export interface AttendeeQuery {
  locationId: string;
  contactId: string | null;
  /** Wins over contactId when given. */
  email: string | null;
  /** Only this event's link (its URL or id, as the link stores it). */
  event: string | null;
}

export interface FoundAttendee {
  attendee: {
    id: string;
    email: string | null;
    firstName: string | null;
    lastName: string | null;
    contactId: string;
  };
  ticket: {
    barcode: string;
    ticketId: string | null;
    orderId: string | null;
    type: string | null;
    status: string | null;
  };
  event: { url: string; name: string | null };
  /** Null when Accelevents could not be asked (the ticket fields are then null too). */
  checkIn: { checkedIn: boolean | null };
  /** Question key → the option chosen (else the attendee's own words). */
  preferences: Record<string, string>;
}

export interface FindAttendeeDeps {
  db: Kysely<Database>;
  accelevents: AcceleventsClient | null;
  eventNames: ShortCache<string | null>;
  /** Names from `events:` in the config, over Accelevents' own. */
  configuredNames: ReadonlyMap<string, string | null>;
  logger: Logger;
  signal?: AbortSignal;
}

async function contactsWithEmail(db: Kysely<Database>, locationId: string, email: string): Promise<string[]> {
  const lower = email.trim().toLowerCase();
  const [contacts, conversations] = await Promise.all([
    db
      .selectFrom('index_contacts')
      .select('contact_id')
      .where('location_id', '=', locationId)
      .where('email', '=', lower)
      .execute(),
    db
      .selectFrom('index_conversations')
      .select('contact_id')
      .where('location_id', '=', locationId)
      .where('contact_email', '=', lower)
      .execute(),
  ]);
  return [...new Set([...contacts, ...conversations].flatMap((row) => (row.contact_id ? [row.contact_id] : [])))];
}

/** The registration link beats the check-in one, the latest beats older: the attendee's current ticket. */
async function latestLink(db: Kysely<Database>, query: AttendeeQuery, contactIds: readonly string[]) {
  if (contactIds.length === 0) return null;
  let select = db
    .selectFrom('attendee_links')
    .selectAll()
    .where('location_id', '=', query.locationId)
    .where('contact_id', 'in', [...contactIds]);
  if (query.event !== null) select = select.where('event_key', 'in', [query.event, CHECK_IN_PREFIX + query.event]);
  const rows = await select.execute();
  const ranked = rows.sort(
    (a, b) =>
      Number(a.event_key.startsWith(CHECK_IN_PREFIX)) - Number(b.event_key.startsWith(CHECK_IN_PREFIX)) ||
      Number(b.created_at) - Number(a.created_at),
  );
  return ranked[0] ?? null;
}

async function preferencesOf(db: Kysely<Database>, locationId: string, contactId: string) {
  const rows = await db
    .selectFrom('preferences')
    .selectAll()
    .where('location_id', '=', locationId)
    .where('contact_id', '=', contactId)
    .execute();
  const preferences: Record<string, string> = {};
  for (const answer of answersOf(rows)) {
    const value = answer.value ?? answer.raw;
    if (value !== null) preferences[answer.key] = value;
  }
  return preferences;
}

async function ticketOf(
  deps: FindAttendeeDeps,
  eventUrl: string,
  barcode: string,
): Promise<AcceleventsAttendee | null> {
  if (!deps.accelevents) return null;
  try {
    const page = await deps.accelevents.listAttendees(eventUrl, {
      searchString: barcode,
      size: SEARCH_PAGE_SIZE,
      ...(deps.signal ? { signal: deps.signal } : {}),
    });
    return page.items.find((item) => item.barcode === barcode) ?? null;
  } catch (error) {
    deps.logger.warn({ err: error, eventUrl }, 'marketplace lookup: Accelevents did not answer the attendee search');
    return null;
  }
}

async function eventNameOf(deps: FindAttendeeDeps, eventUrl: string): Promise<string | null> {
  const configured = deps.configuredNames.get(eventUrl);
  if (configured) return configured;
  const client = deps.accelevents;
  if (!client) return null;
  try {
    return await deps.eventNames.get(eventUrl, async () => (await client.getEventDetails(eventUrl)).eventName);
  } catch {
    return null;
  }
}

export async function findAttendee(deps: FindAttendeeDeps, query: AttendeeQuery): Promise<FoundAttendee | null> {
  const contactIds =
    query.email !== null
      ? await contactsWithEmail(deps.db, query.locationId, query.email)
      : query.contactId !== null
        ? [query.contactId]
        : [];
  const link = await latestLink(deps.db, query, contactIds);
  if (!link?.contact_id) return null;
  const eventUrl = link.event_key.startsWith(CHECK_IN_PREFIX)
    ? link.event_key.slice(CHECK_IN_PREFIX.length)
    : link.event_key;
  const barcode = link.attendee_id;
  const [ticket, name, preferences, indexed] = await Promise.all([
    ticketOf(deps, eventUrl, barcode),
    eventNameOf(deps, eventUrl),
    preferencesOf(deps.db, query.locationId, link.contact_id),
    deps.db
      .selectFrom('index_contacts')
      .select(['email', 'name'])
      .where('location_id', '=', query.locationId)
      .where('contact_id', '=', link.contact_id)
      .executeTakeFirst(),
  ]);
  return {
    attendee: {
      id: barcode,
      email: ticket?.email ?? indexed?.email ?? null,
      firstName: ticket?.firstName ?? null,
      lastName: ticket?.lastName ?? null,
      contactId: link.contact_id,
    },
    ticket: {
      barcode,
      ticketId: ticket?.eventTicketingId ?? null,
      orderId: ticket?.orderId ?? null,
      type: ticket?.ticketType ?? null,
      status: ticket?.status ?? ticket?.ticketStatus ?? null,
    },
    event: { url: eventUrl, name },
    checkIn: { checkedIn: ticket ? (ticket.checkedIn ?? false) : null },
    preferences,
  };
}
