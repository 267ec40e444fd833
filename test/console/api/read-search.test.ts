/**
 * GET /api/conversations against the index synced from the sandbox, on both databases: every filter,
 * keyset paging, sponsors held to the sponsor channel, and 400s naming the bad field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../../src/console/auth/roles.js';
import { type ConsoleApp, startConsoleApp } from '../../helpers/console-app.js';
import { DATABASE_KINDS } from '../../helpers/databases.js';

type Item = {
  conversationId: string;
  contactEmail: string;
  contactName: string;
  unreadCount: number;
  starred: boolean;
};

describe.each(DATABASE_KINDS)('console conversation search [%s]', (kind) => {
  let harness: ConsoleApp;
  let rows: {
    conversation_id: string;
    contact_id: string | null;
    contact_email: string | null;
    contact_name: string | null;
    unread_count: number;
    starred: number;
    last_message_at: number;
  }[];

  async function search(query: string, role: Role = 'viewer'): Promise<{ status: number; body: any }> {
    const response = await harness.app.inject({ url: `/api/conversations?${query}`, headers: harness.auth(role) });
    return { status: response.statusCode, body: response.json() };
  }
  const ids = (items: Item[]) => items.map((i) => i.conversationId).sort();

  beforeAll(async () => {
    // The console's sponsor user answers for Acme.
    harness = await startConsoleApp(kind, {
      attendees: 8,
      config: { sponsor: { sponsors: [{ name: 'Acme', keyword: 'ACME', staff: ['sponsor@parley.test'] }] } },
    });
    rows = await harness.deps.db
      .selectFrom('index_conversations')
      .select([
        'conversation_id',
        'contact_id',
        'contact_email',
        'contact_name',
        'unread_count',
        'starred',
        'last_message_at',
      ])
      .execute();
  });
  afterAll(async () => harness?.close());

  /** A seeded conversation whose contact has an email, a name and an id. */
  const target = () => {
    const row = rows[3];
    if (!row?.contact_email || !row.contact_name || !row.contact_id) throw new Error('seed lacks contacts');
    return { ...row, contact_email: row.contact_email, contact_name: row.contact_name, contact_id: row.contact_id };
  };

  it('finds an attendee by email in any case', async () => {
    const { contact_email, conversation_id } = target();
    const byEmail = await search(`email=${encodeURIComponent(contact_email.toUpperCase())}`);
    expect(byEmail.status).toBe(200);
    expect(ids(byEmail.body.items)).toEqual([conversation_id]);
  });

  it('finds an attendee by part of the name', async () => {
    const { contact_name, conversation_id } = target();
    const surname = contact_name.split(' ').at(-1) ?? '';
    const byName = await search(`name=${encodeURIComponent(surname.toLowerCase())}`);
    expect(ids(byName.body.items)).toContain(conversation_id);
    for (const item of byName.body.items as Item[])
      expect(item.contactName.toLowerCase()).toContain(surname.toLowerCase());
  });

  it('finds an attendee by contact id', async () => {
    const { contact_id, conversation_id } = target();
    const byId = await search(`attendeeId=${contact_id}`);
    expect(ids(byId.body.items)).toEqual([conversation_id]);
  });

  it('finds the call by a word that only its transcript contains, with a snippet', async () => {
    const call = await harness.deps.db
      .selectFrom('index_messages')
      .select(['conversation_id', 'transcript'])
      .where('type', '=', 'TYPE_CALL')
      .executeTakeFirstOrThrow();
    const bodies = await harness.deps.db.selectFrom('index_messages').select('body').execute();
    const word = ['recorded', 'workshop', 'parking', 'garage', 'venue', 'resent', 'keynote', 'afternoon'].find(
      (w) => call.transcript?.toLowerCase().includes(w) && !bodies.some((b) => b.body?.toLowerCase().includes(w)),
    );
    if (!word) throw new Error('no transcript-only word in the seeded call');
    const found = await search(`topic=${word}`);
    expect(found.status).toBe(200);
    expect(ids(found.body.items)).toEqual([call.conversation_id]);
    expect(found.body.items[0].matches.join(' ').toLowerCase()).toContain(word);
  });

  it('filters by each conversation status exactly as the index holds it', async () => {
    const expected = {
      unread: rows.filter((r) => Number(r.unread_count) > 0),
      read: rows.filter((r) => Number(r.unread_count) === 0),
      starred: rows.filter((r) => Number(r.starred) === 1),
    };
    expect(expected.unread.length).toBeGreaterThan(0);
    expect(expected.starred.length).toBeGreaterThan(0);
    for (const [status, want] of Object.entries(expected)) {
      const found = await search(`status=${status}&limit=100`);
      expect({ status, ids: ids(found.body.items) }).toEqual({
        status,
        ids: want.map((r) => r.conversation_id).sort(),
      });
    }
  });

  it('bounds the last-message date, taking ISO dates or epoch milliseconds alike', async () => {
    const times = rows.map((r) => Number(r.last_message_at)).sort((a, b) => a - b);
    const middle = times[Math.floor(times.length / 2)] as number;
    const fromMs = await search(`from=${middle}&limit=100`);
    const fromIso = await search(`from=${encodeURIComponent(new Date(middle).toISOString())}&limit=100`);
    const want = rows
      .filter((r) => Number(r.last_message_at) >= middle)
      .map((r) => r.conversation_id)
      .sort();
    expect(ids(fromMs.body.items)).toEqual(want);
    expect(ids(fromIso.body.items)).toEqual(want);
    const until = await search(`to=${middle - 1}&limit=100`);
    expect(until.body.items.length).toBe(rows.length - want.length);
  });

  it('pages newest first with a cursor that returns every conversation once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const found: { body: { items: Item[]; nextCursor: string | null } } = await search(
        cursor ? `limit=3&cursor=${cursor}` : 'limit=3',
      );
      expect(found.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...found.body.items.map((i) => i.conversationId));
      cursor = found.body.nextCursor;
    } while (cursor);
    const newestFirst = [...rows]
      .sort(
        (a, b) =>
          Number(b.last_message_at) - Number(a.last_message_at) || (a.conversation_id < b.conversation_id ? 1 : -1),
      )
      .map((r) => r.conversation_id);
    expect(seen).toEqual(newestFirst);
  });

  it('shows a sponsor only their own sponsor’s sponsor-channel conversations, whatever the filters ask', async () => {
    const [first, second, third] = rows;
    if (!first || !second || !third) throw new Error('seed too small');
    const before = await search('limit=100', 'sponsor');
    expect(before.body.items).toEqual([]);
    for (const [row, sponsor] of [
      [first, 'acme'],
      [third, 'globex'],
    ] as const) {
      await harness.deps.index.joinSponsorChannel({
        conversationId: row.conversation_id,
        locationId: harness.locationId,
        sponsors: [sponsor],
        messageId: null,
      });
    }
    const after = await search('limit=100', 'sponsor');
    expect(ids(after.body.items)).toEqual([first.conversation_id]);
    const other = await search(`attendeeId=${second.contact_id}`, 'sponsor');
    expect(other.body.items).toEqual([]);
    const admin = await search('limit=100', 'admin');
    expect(admin.body.items.length).toBe(rows.length);
  });

  it('answers 400 naming the field for a bad limit, status, date, email or cursor', async () => {
    const cases = [
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['status=archived', 'status'],
      ['from=yesterday', 'from'],
      ['to=2024-13-45T99', 'to'],
      ['email=not-an-email', 'email'],
      ['cursor=bm9wZQ', 'cursor'],
    ] as const;
    for (const [query, field] of cases) {
      const found = await search(query);
      expect({ query, status: found.status, error: found.body.error, field: found.body.field }).toEqual({
        query,
        status: 400,
        error: 'invalid_request',
        field,
      });
      expect(found.body.message).toMatch(new RegExp(field, 'i'));
    }
  });
});
