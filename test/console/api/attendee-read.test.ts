/**
 * GET /api/attendees/{id} on the real console, sandbox-synced index and database, on both databases:
 * an attendee found by Accelevents attendee id or HighLevel contact id with their links and answers
 * (value, raw text, answered at) and, for staff only, the notes HighLevel workflows added; every reading
 * role allowed, a sponsor only for an attendee in their sponsor channel, one 404 naming no id otherwise,
 * and the route in the OpenAPI document.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../../src/console/auth/roles.js';
import { saveAnswer } from '../../../src/preferences/preference-rows.js';
import { joinSponsorChannel } from '../../../src/search/sponsor-channel.js';
import { insertNote } from '../../helpers/attendee-notes.js';
import { type ConsoleApp, startConsoleApp } from '../../helpers/console-app.js';
import { DATABASE_KINDS } from '../../helpers/databases.js';

const ANSWERED_AT = Date.UTC(2026, 2, 10, 9, 30);

interface Seeded {
  attendeeId: string;
  contactId: string;
  conversationId: string;
  locationId: string;
  email: string;
}

describe.each(DATABASE_KINDS)('GET /api/attendees/{id} [%s]', (kind) => {
  let harness: ConsoleApp;
  let answered: Seeded;
  let sponsored: Seeded;

  /** An attendee of the synced index's conversation number `n`, linked as the check-in welcome links them. */
  async function seedAttendee(n: number, attendeeId: string): Promise<Seeded> {
    const row = await harness.deps.db
      .selectFrom('index_conversations')
      .select(['conversation_id', 'contact_id', 'contact_email', 'location_id'])
      .where('contact_email', 'is not', null)
      .orderBy('conversation_id')
      .offset(n)
      .limit(1)
      .executeTakeFirstOrThrow();
    const seeded = {
      attendeeId,
      contactId: row.contact_id ?? '',
      conversationId: row.conversation_id,
      locationId: row.location_id,
      email: row.contact_email ?? '',
    };
    await harness.deps.db
      .insertInto('attendee_links')
      .values({
        event_key: 'check-in:devconf-2026',
        attendee_id: attendeeId,
        location_id: seeded.locationId,
        contact_id: seeded.contactId,
        conversation_id: seeded.conversationId,
        welcome_message_id: `welcome-${attendeeId}`,
        created_at: ANSWERED_AT - 60_000,
        updated_at: ANSWERED_AT - 60_000,
      })
      .execute();
    return seeded;
  }

  const addNote = (on: Seeded, id: string, body: string, at: number) =>
    insertNote(harness.deps.db, {
      id,
      locationId: on.locationId,
      contactId: on.contactId,
      attendeeId: on.attendeeId,
      body,
      createdAt: at,
    });

  beforeAll(async () => {
    harness = await startConsoleApp(kind, {
      attendees: 4,
      config: { sponsor: { sponsors: [{ name: 'Acme', keyword: 'acme', staff: ['sponsor@parley.test'] }] } },
    });
    answered = await seedAttendee(0, 'att-answered');
    await saveAnswer(harness.deps.db, {
      locationId: answered.locationId,
      contactId: answered.contactId,
      key: 'updates',
      value: 'workshops',
      raw: '2 please',
      now: ANSWERED_AT,
    });
    await addNote(answered, 'note-old', 'Asked for a vegan lunch', ANSWERED_AT);
    await addNote(answered, 'note-new', 'Moved to the VIP table', ANSWERED_AT + 1_000);
    sponsored = await seedAttendee(1, 'att-sponsored');
    await addNote(sponsored, 'note-sponsored', 'Internal: pending refund', ANSWERED_AT);
    await saveAnswer(harness.deps.db, {
      locationId: sponsored.locationId,
      contactId: sponsored.contactId,
      key: 'updates',
      value: null,
      raw: 'hmm?',
      now: ANSWERED_AT,
    });
    await harness.deps.index.upsertConversation({
      conversationId: sponsored.conversationId,
      locationId: sponsored.locationId,
      sponsor: true,
      updatedAt: Date.now(),
    });
    await joinSponsorChannel(harness.deps.db, {
      conversationId: sponsored.conversationId,
      locationId: sponsored.locationId,
      sponsors: ['acme'],
      messageId: null,
      now: Date.now(),
    });
  });
  afterAll(async () => {
    await harness?.close();
  });

  const get = (id: string, role: Role | null) =>
    harness.app.inject({ url: `/api/attendees/${encodeURIComponent(id)}`, headers: role ? harness.auth(role) : {} });

  it('answers everything known of an attendee by attendee id', async () => {
    const response = await get(answered.attendeeId, 'viewer');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      id: answered.attendeeId,
      email: answered.email,
      links: [
        {
          eventKey: 'devconf-2026',
          checkIn: true,
          attendeeId: answered.attendeeId,
          locationId: answered.locationId,
          contactId: answered.contactId,
          conversationId: answered.conversationId,
          welcomeMessageId: `welcome-${answered.attendeeId}`,
          linkedAt: ANSWERED_AT - 60_000,
        },
      ],
      preferences: [
        {
          key: 'updates',
          value: 'workshops',
          raw: '2 please',
          answeredAt: ANSWERED_AT,
          contactId: answered.contactId,
          locationId: answered.locationId,
        },
      ],
      notes: ['note-new', 'note-old'].map((id) => ({
        id,
        body: id === 'note-new' ? 'Moved to the VIP table' : 'Asked for a vegan lunch',
        source: 'marketplace:wf-notes',
        eventKey: 'check-in:devconf-2026',
        contactId: answered.contactId,
        locationId: answered.locationId,
        createdAt: id === 'note-new' ? ANSWERED_AT + 1_000 : ANSWERED_AT,
      })),
    });
  });

  it("gives a sponsor an attendee of their channel without the staff's notes", async () => {
    const staff = await get(sponsored.attendeeId, 'agent');
    expect(staff.json().notes.map((n: { body: string }) => n.body)).toEqual(['Internal: pending refund']);
    const sponsor = await get(sponsored.attendeeId, 'sponsor');
    expect(sponsor.statusCode).toBe(200);
    expect(sponsor.json()).not.toHaveProperty('notes');
    expect(sponsor.body).not.toContain('pending refund');
  });

  it('finds the same attendee by HighLevel contact id', async () => {
    const response = await get(answered.contactId, 'agent');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      id: answered.contactId,
      links: [expect.objectContaining({ attendeeId: answered.attendeeId })],
      preferences: [expect.objectContaining({ key: 'updates', value: 'workshops' })],
    });
  });

  it('shows an answer that matched nothing as a null value beside its raw text', async () => {
    const response = await get(sponsored.attendeeId, 'admin');
    expect(response.json().preferences).toEqual([
      expect.objectContaining({ key: 'updates', value: null, raw: 'hmm?', answeredAt: ANSWERED_AT }),
    ]);
  });

  it('lets every reading role in', async () => {
    for (const role of ['viewer', 'agent', 'admin'] as const) {
      expect((await get(answered.attendeeId, role)).statusCode, role).toBe(200);
    }
  });

  it('lets a sponsor read an attendee of their sponsor channel', async () => {
    expect((await get(sponsored.attendeeId, 'sponsor')).statusCode).toBe(200);
  });

  it('answers a sponsor as for an unknown id about an attendee outside their sponsor channel', async () => {
    const hidden = await get(answered.attendeeId, 'sponsor');
    const missing = await get('no-such-attendee', 'sponsor');
    expect(hidden.statusCode).toBe(404);
    // The same answer as an id nobody has: a sponsor learns nothing about attendees outside the channel.
    expect(hidden.json()).toEqual(missing.json());
    expect(hidden.body).not.toContain(answered.attendeeId);
  });

  it('answers 404 for an unknown id', async () => {
    const missing = await get('no-such-attendee', 'viewer');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ error: 'not_found', message: 'no attendee with that id is visible to you' });
  });

  it('answers 401 without credentials', async () => {
    expect((await get(answered.attendeeId, null)).statusCode).toBe(401);
  });

  it('is documented in the OpenAPI document', async () => {
    const document = (await harness.app.inject({ url: '/api/openapi.json', headers: harness.auth('viewer') })).json();
    const operation = document.paths['/api/attendees/{id}']?.get;
    expect([...(operation?.['x-parley-roles'] ?? [])].sort()).toEqual(['admin', 'agent', 'sponsor', 'viewer']);
    expect(operation?.parameters).toEqual([expect.objectContaining({ name: 'id', in: 'path', required: true })]);
    const answer = operation?.responses?.['200']?.content?.['application/json']?.schema;
    expect(Object.keys(answer?.properties ?? {})).toEqual(['id', 'email', 'links', 'preferences', 'notes']);
    expect(Object.keys(answer?.properties?.preferences?.items?.properties ?? {})).toEqual(
      expect.arrayContaining(['key', 'value', 'raw', 'answeredAt']),
    );
  });
});
