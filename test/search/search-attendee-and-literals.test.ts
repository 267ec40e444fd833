/**
 * The attendee filters on both databases: `attendee.id` is the HighLevel contact id or the Accelevents
 * attendee id the welcome flow linked to the contact (attendee_links), and `%`, `_` and `\` in a name
 * are the characters themselves, not wildcards, for a short name (plain LIKE) and a longer one (SQLite's
 * trigram index) alike.
 */
import { beforeAll, expect, it } from 'vitest';
import { createLocalIndex, type LocalIndex } from '../../src/search/local-index.js';
import { describeEachDatabase } from '../helpers/databases.js';

const LOC = 'loc-literal';
const T0 = Date.UTC(2026, 3, 1);

const NAMES: Record<string, string> = {
  'conv-percent': 'Ada 50% Lovelace',
  'conv-fifty': 'Ada 500 Lovelace',
  'conv-underscore': 'Grace a_b Hopper',
  'conv-axb': 'Grace axb Hopper',
  'conv-backslash': 'Back\\slash Person',
  'conv-plain': 'Backslash Person',
  'conv-quote': 'Dana "DJ" Jones',
};

describeEachDatabase('attendee search', (getStore) => {
  let index: LocalIndex;
  beforeAll(async () => {
    const store = getStore();
    index = createLocalIndex({ db: store.db, dialect: store.dialect });
    let n = 0;
    for (const [conversationId, contactName] of Object.entries(NAMES)) {
      n += 1;
      await index.upsertConversation({
        conversationId,
        locationId: LOC,
        contactId: `contact-${conversationId}`,
        contactName,
        lastMessageAt: T0 + n,
        updatedAt: T0,
      });
    }
    await store.db
      .insertInto('attendee_links')
      .values({
        event_key: 'devconf-2026',
        attendee_id: 'ae-90210',
        location_id: LOC,
        contact_id: 'contact-conv-axb',
        conversation_id: 'conv-axb',
        welcome_message_id: null,
        created_at: T0,
        updated_at: T0,
      })
      .execute();
  });

  const byName = async (name: string) =>
    (await index.search({ locationId: LOC, attendee: { name }, limit: 50 })).items.map((i) => i.conversationId).sort();
  const byId = async (id: string) =>
    (await index.search({ locationId: LOC, attendee: { id }, limit: 50 })).items.map((i) => i.conversationId).sort();

  it('matches % in a name only as a percent sign', async () => {
    expect(await byName('50%')).toEqual(['conv-percent']);
    expect(await byName('%')).toEqual(['conv-percent']);
    expect(await byName('0% lovelace')).toEqual(['conv-percent']);
  });

  it('matches _ in a name only as an underscore', async () => {
    expect(await byName('a_b')).toEqual(['conv-underscore']);
    expect(await byName('_')).toEqual(['conv-underscore']);
  });

  it('matches \\ in a name only as a backslash', async () => {
    expect(await byName('k\\s')).toEqual(['conv-backslash']);
    expect(await byName('\\')).toEqual(['conv-backslash']);
  });

  it('matches a double quote in a name as itself', async () => {
    expect(await byName('"dj"')).toEqual(['conv-quote']);
  });

  it('still finds a name by any part of it, in any case', async () => {
    expect(await byName('LOVELACE')).toEqual(['conv-fifty', 'conv-percent']);
    expect(await byName('Ve')).toEqual(['conv-fifty', 'conv-percent']);
  });

  it('finds an attendee by the Accelevents attendee id linked to their contact', async () => {
    expect(await byId('ae-90210')).toEqual(['conv-axb']);
  });

  it('still finds an attendee by the HighLevel contact id', async () => {
    expect(await byId('contact-conv-percent')).toEqual(['conv-percent']);
  });

  it('finds nothing by an unknown attendee id', async () => {
    expect(await byId('ae-00000')).toEqual([]);
  });
});
