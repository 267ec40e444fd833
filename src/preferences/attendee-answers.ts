/**
 * Reading stored answers back, for the console (GET /api/attendees/{id}) and `parley preferences
 * export`: an attendee is their `attendee_links` rows (Accelevents attendee ↔ HighLevel contact ↔
 * conversation, per event); their answers are the `preferences` rows of those contacts, each key's
 * value paired with its `<key>.raw` text (preference-rows.ts). The email is the contact's as the
 * local index knows it (index_conversations, kept by the index sync), null until it does.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { LEGACY_UNPARSED } from './preference-rows.js';
import { rawKeyOf } from './question.js';

/** attendee_links.event_key prefix of check-in links (workflows/builtin/checkin-welcome.yaml). */
const CHECK_IN_PREFIX = 'check-in:';
const RAW_SUFFIX = rawKeyOf('');

export interface PreferenceAnswer {
  locationId: string;
  contactId: string;
  key: string;
  /** Null when the answer matched no option (only its raw text is kept). */
  value: string | null;
  raw: string | null;
  /** Epoch ms of the latest write of the value or the raw text. */
  answeredAt: number;
}

export interface AttendeeLink {
  /** The Accelevents event (URL or id). */
  eventKey: string;
  /** Saved by the check-in welcome (else by the registration welcome). */
  checkIn: boolean;
  attendeeId: string;
  locationId: string;
  contactId: string | null;
  conversationId: string | null;
  welcomeMessageId: string | null;
  /** Epoch ms. */
  linkedAt: number;
}

export interface AttendeeAnswers {
  links: AttendeeLink[];
  preferences: PreferenceAnswer[];
  email: string | null;
}

interface PreferenceRow {
  location_id: string;
  contact_id: string;
  key: string;
  value: string;
  received_at: number;
}

/** Pairs each key's value with its raw text: one answer per (location, contact, key), sorted by contact and key. */
export function answersOf(rows: readonly PreferenceRow[]): PreferenceAnswer[] {
  const byKey = new Map<string, PreferenceAnswer>();
  for (const row of rows) {
    const raw = row.key.endsWith(RAW_SUFFIX) && row.key.length > RAW_SUFFIX.length;
    const key = raw ? row.key.slice(0, -RAW_SUFFIX.length) : row.key;
    const id = `${row.location_id}\u0000${row.contact_id}\u0000${key}`;
    const answer = byKey.get(id) ?? {
      locationId: row.location_id,
      contactId: row.contact_id,
      key,
      value: null,
      raw: null,
      answeredAt: Number(row.received_at),
    };
    if (raw) answer.raw = row.value;
    else answer.value = row.value === LEGACY_UNPARSED ? null : row.value;
    answer.answeredAt = Math.max(answer.answeredAt, Number(row.received_at));
    byKey.set(id, answer);
  }
  return [...byKey.values()].sort(
    (a, b) =>
      a.contactId.localeCompare(b.contactId) || a.key.localeCompare(b.key) || a.locationId.localeCompare(b.locationId),
  );
}

function linkOf(row: Database['attendee_links']): AttendeeLink {
  const checkIn = row.event_key.startsWith(CHECK_IN_PREFIX);
  return {
    eventKey: checkIn ? row.event_key.slice(CHECK_IN_PREFIX.length) : row.event_key,
    checkIn,
    attendeeId: row.attendee_id,
    locationId: row.location_id,
    contactId: row.contact_id,
    conversationId: row.conversation_id,
    welcomeMessageId: row.welcome_message_id,
    linkedAt: Number(row.created_at),
  };
}

/**
 * The contact emails the local index knows, by location and contact: of these contacts, or of every
 * contact (an export reads them all rather than send thousands of ids as parameters).
 */
async function emailsOf(db: Kysely<Database>, contactIds: readonly string[] | 'all'): Promise<Map<string, string>> {
  const emails = new Map<string, string>();
  if (contactIds !== 'all' && contactIds.length === 0) return emails;
  let query = db
    .selectFrom('index_conversations')
    .select(['location_id', 'contact_id', 'contact_email'])
    .where('contact_email', 'is not', null);
  if (contactIds !== 'all') query = query.where('contact_id', 'in', [...new Set(contactIds)]);
  const rows = await query.orderBy('updated_at', 'desc').execute();
  for (const row of rows) {
    const id = `${row.location_id}\u0000${row.contact_id}`;
    if (row.contact_email && !emails.has(id)) emails.set(id, row.contact_email);
  }
  return emails;
}

async function preferenceRowsOf(db: Kysely<Database>, contactIds: readonly string[]): Promise<PreferenceRow[]> {
  if (contactIds.length === 0) return [];
  return db
    .selectFrom('preferences')
    .selectAll()
    .where('contact_id', 'in', [...new Set(contactIds)])
    .execute();
}

/**
 * The attendee with this Accelevents attendee id or HighLevel contact id: their links and their
 * contacts' answers; null when no link names the id.
 */
export async function findAttendeeAnswers(db: Kysely<Database>, id: string): Promise<AttendeeAnswers | null> {
  const rows = await db
    .selectFrom('attendee_links')
    .selectAll()
    .where((eb) => eb.or([eb('attendee_id', '=', id), eb('contact_id', '=', id)]))
    .orderBy('created_at')
    .orderBy('event_key')
    .execute();
  if (rows.length === 0) return null;
  const links = rows.map(linkOf);
  const contacts = new Set(links.flatMap((l) => (l.contactId === null ? [] : [`${l.locationId}\u0000${l.contactId}`])));
  const contactIds = links.flatMap((l) => (l.contactId === null ? [] : [l.contactId]));
  const preferences = answersOf(
    (await preferenceRowsOf(db, contactIds)).filter((row) => contacts.has(`${row.location_id}\u0000${row.contact_id}`)),
  );
  const emails = await emailsOf(db, contactIds);
  const email = [...contacts].map((contact) => emails.get(contact)).find((found) => found !== undefined) ?? null;
  return { links, preferences, email };
}

export interface ExportRow {
  /** Null for answers of a contact no attendee link names (a user workflow's preferences.save). */
  attendeeId: string | null;
  email: string | null;
  contactId: string;
  key: string;
  value: string | null;
  raw: string | null;
  answeredAt: number;
}

/**
 * One row per attendee and preference key, sorted by attendee and key. With `eventKey`, only attendees
 * linked to that event (registration or check-in); without it, answers of unlinked contacts too.
 */
export async function exportRows(db: Kysely<Database>, options: { eventKey?: string } = {}): Promise<ExportRow[]> {
  const answers = answersOf(await db.selectFrom('preferences').selectAll().execute());
  let linkQuery = db.selectFrom('attendee_links').selectAll().where('contact_id', 'is not', null);
  if (options.eventKey !== undefined) {
    linkQuery = linkQuery.where('event_key', 'in', [options.eventKey, CHECK_IN_PREFIX + options.eventKey]);
  }
  const attendeesByContact = new Map<string, Set<string>>();
  for (const link of (await linkQuery.execute()).map(linkOf)) {
    const contact = `${link.locationId}\u0000${link.contactId}`;
    const attendees = attendeesByContact.get(contact) ?? new Set<string>();
    attendees.add(link.attendeeId);
    attendeesByContact.set(contact, attendees);
  }
  const emails = await emailsOf(db, 'all');
  const rows: ExportRow[] = [];
  for (const answer of answers) {
    const contact = `${answer.locationId}\u0000${answer.contactId}`;
    const attendees = attendeesByContact.get(contact);
    if (!attendees && options.eventKey !== undefined) continue;
    const { locationId: _location, ...fields } = answer;
    for (const attendeeId of attendees ?? [null]) {
      rows.push({ attendeeId, email: emails.get(contact) ?? null, ...fields });
    }
  }
  return rows.sort(
    (a, b) =>
      (a.attendeeId ?? '\uffff').localeCompare(b.attendeeId ?? '\uffff') ||
      a.contactId.localeCompare(b.contactId) ||
      a.key.localeCompare(b.key),
  );
}
