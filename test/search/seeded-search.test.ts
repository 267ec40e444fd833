import { beforeAll, expect, it } from 'vitest';
import { createLocalIndex, type LocalIndex, type SearchInput } from '../../src/search/local-index.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { SEED_LOCATION, SEEDED, seedIndex } from './seed-index.js';

const CONVERSATIONS = 10_000;
const MESSAGES_PER = 10;

function expected(predicate: (i: number) => boolean): string[] {
  const ids: string[] = [];
  for (let i = 0; i < CONVERSATIONS; i++) if (predicate(i)) ids.push(SEEDED.conversationId(i));
  return ids.sort();
}

const anyMessage = (test: (i: number, j: number) => boolean) => (i: number) =>
  Array.from({ length: MESSAGES_PER }, (_, j) => test(i, j)).some(Boolean);

describeEachDatabase('search over 10,000 conversations and 100,000 messages', (getStore) => {
  let index: LocalIndex;
  beforeAll(async () => {
    const store = getStore();
    const seeded = await seedIndex(store.db, { conversations: CONVERSATIONS, messagesPer: MESSAGES_PER });
    expect(seeded.messages).toBe(100_000);
    index = createLocalIndex({ db: store.db, dialect: store.dialect });
  }, 60_000);

  async function all(input: Omit<SearchInput, 'limit' | 'cursor'>): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await index.search({ locationId: SEED_LOCATION, ...input, limit: 500, cursor });
      ids.push(...page.items.map((i) => i.conversationId));
      cursor = page.nextCursor;
    } while (cursor);
    return ids.sort();
  }

  it('returns exactly the conversation of an attendee email', async () => {
    expect(await all({ attendee: { email: SEEDED.email(4321) } })).toEqual([SEEDED.conversationId(4321)]);
  });

  it('returns exactly the conversation of an attendee name', async () => {
    expect(await all({ attendee: { name: SEEDED.name(9876) } })).toEqual([SEEDED.conversationId(9876)]);
  });

  it('returns exactly the conversations whose message bodies hold a topic', async () => {
    expect(await all({ topic: 'parking' })).toEqual(expected(anyMessage(SEEDED.mentionsParking)));
  });

  it('returns exactly the conversations whose transcripts hold a topic', async () => {
    expect(await all({ topic: 'wheelchair' })).toEqual(expected(anyMessage(SEEDED.hasWheelchairTranscript)));
  });

  it('returns exactly the unread conversations', async () => {
    expect(await all({ status: 'unread' })).toEqual(expected(SEEDED.unread));
  });

  it('returns exactly the starred conversations', async () => {
    expect(await all({ status: 'starred' })).toEqual(expected(SEEDED.starred));
  });

  it('returns exactly the read conversations', async () => {
    expect(await all({ status: 'read' })).toHaveLength(CONVERSATIONS - expected(SEEDED.unread).length);
  });

  const holds = (part: string) => (i: number) => SEEDED.name(i).toLowerCase().includes(part);

  it('returns exactly the names holding a rare substring (the trigram index on SQLite)', async () => {
    expect(await all({ attendee: { name: 'ATTENDEE 12' } })).toEqual(expected(holds('attendee 12')));
  });

  it('returns every name holding a common substring', async () => {
    expect(await all({ attendee: { name: 'seeded att' } })).toHaveLength(CONVERSATIONS);
  });

  it('finds a renamed attendee by the new name only', async () => {
    await index.upsertConversation({
      conversationId: SEEDED.conversationId(77),
      locationId: SEED_LOCATION,
      contactName: 'Renamed Zephyrine',
      updatedAt: Date.UTC(2027, 0, 1),
    });
    expect(await all({ attendee: { name: 'zephyr' } })).toEqual([SEEDED.conversationId(77)]);
    expect(await all({ attendee: { name: 'Seeded Attendee 77' } })).not.toContain(SEEDED.conversationId(77));
  });

  it('a common topic (in about 20,000 messages) finds exactly the conversations holding it, also with a status filter', async () => {
    // "ticket" is in BODIES[0] and the parking question: about 20,000 messages, far past the threshold.
    const mentionsTicket = (i: number, j: number) =>
      SEEDED.mentionsParking(i, j) || (!SEEDED.hasWheelchairTranscript(i, j) && (i + j) % 5 === 0);
    const truth = expected(anyMessage(mentionsTicket));
    expect(truth.length).toBeGreaterThan(5_000);
    expect(await all({ topic: 'ticket' })).toEqual(truth);
    expect(await all({ topic: 'ticket', status: 'starred' })).toEqual(
      expected((i) => SEEDED.starred(i) && anyMessage(mentionsTicket)(i)),
    );
    const page = await index.search({ locationId: SEED_LOCATION, topic: 'ticket', limit: 3 });
    expect(page.items.every((item) => item.matches.some((m) => m.includes('[ticket]')))).toBe(true);
  });
});
