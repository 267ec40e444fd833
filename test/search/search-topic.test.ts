import { beforeAll, expect, it } from 'vitest';
import { createLocalIndex, type LocalIndex } from '../../src/search/local-index.js';
import { describeEachDatabase } from '../helpers/databases.js';

const LOC = 'loc-topic';
const T0 = Date.UTC(2026, 5, 1);
const DAY = 24 * 60 * 60 * 1000;

describeEachDatabase('topic search by conversation', (getStore) => {
  let index: LocalIndex;
  const clock = T0 + 100 * DAY;

  async function conversation(id: string, at: number, extra: { sponsor?: boolean; contactEmail?: string } = {}) {
    await index.upsertConversation({ conversationId: id, locationId: LOC, lastMessageAt: at, updatedAt: at, ...extra });
  }
  async function message(conversationId: string, n: number, at: number, text: { body?: string; transcript?: string }) {
    await index.upsertMessage({
      messageId: `${conversationId}-m${n}`,
      conversationId,
      locationId: LOC,
      createdAt: at,
      updatedAt: at,
      ...text,
    });
  }
  const ids = async (topic: string, limit = 50) =>
    (await index.search({ locationId: LOC, topic, limit })).items.map((i) => i.conversationId);

  beforeAll(async () => {
    const store = getStore();
    index = createLocalIndex({ db: store.db, dialect: store.dialect, now: () => clock });
    await conversation('c-split', T0 + 1000);
    await message('c-split', 1, T0 + 900, { body: 'Where do I collect my lanyard?' });
    await message('c-split', 2, T0 + 1000, { transcript: 'The shuttle leaves from gate four.' });
    await conversation('c-one', T0 + 2000, { sponsor: true, contactEmail: 'one@example.com' });
    await message('c-one', 1, T0 + 2000, { body: 'Lanyard and shuttle questions, both here.' });
  });

  it('matches a conversation whose messages hold the words between them, with a snippet per matching message', async () => {
    expect(await ids('lanyard shuttle')).toEqual(['c-one', 'c-split']);
    const split = (await index.search({ locationId: LOC, topic: 'lanyard shuttle', limit: 5 })).items[1];
    expect(split?.matches).toHaveLength(2);
    expect(split?.matches.join(' ')).toContain('[shuttle]');
    expect(split?.matches.join(' ')).toContain('[lanyard]');
    expect(await ids('lanyards')).toEqual(['c-one', 'c-split']); // stemmed on both databases
  });

  it('marks sponsor-channel conversations in the results', async () => {
    const items = (await index.search({ locationId: LOC, topic: 'lanyard', limit: 5 })).items;
    expect(items.map((i) => [i.conversationId, i.sponsor])).toEqual([
      ['c-one', true],
      ['c-split', false],
    ]);
  });

  it('combines a topic with an attendee email (the attendee drives, the topic is probed)', async () => {
    const search = (topic: string) =>
      index.search({ locationId: LOC, attendee: { email: 'one@example.com' }, topic, limit: 5 });
    expect((await search('shuttle')).items.map((i) => i.conversationId)).toEqual(['c-one']);
    expect((await search('shuttle')).items[0]?.matches[0]).toContain('[shuttle]');
    expect((await search('gate')).items).toEqual([]);
  });

  async function newMessageInSplit() {
    await message('c-split', 3, T0 + 3000, { body: 'Also: is there a cloakroom?' });
    await conversation('c-split', T0 + 3000);
  }

  it('moves a conversation to the top when a new message arrives', async () => {
    await newMessageInSplit();
    expect(await ids('lanyard')).toEqual(['c-split', 'c-one']);
  });

  it('finds the words of a newly arrived message', async () => {
    await newMessageInSplit();
    expect(await ids('cloakroom')).toEqual(['c-split']);
  });

  const editBase = { conversationId: 'c-edit', locationId: LOC, createdAt: T0 + 4000 };
  async function veganMessage() {
    await conversation('c-edit', T0 + 4000);
    await index.upsertMessage({ ...editBase, messageId: 'c-edit-m1', body: 'Vegan menu please', updatedAt: T0 + 4000 });
  }

  it('keeps the text of a message through a status update', async () => {
    await veganMessage();
    await index.upsertMessage({
      ...editBase,
      messageId: 'c-edit-m1',
      body: 'Vegan menu please',
      status: 'read',
      updatedAt: T0 + 4001,
    });
    expect(await ids('vegan')).toEqual(['c-edit']);
  });

  it('replaces the text of a message when its body is edited', async () => {
    await veganMessage();
    await index.upsertMessage({ ...editBase, messageId: 'c-edit-m1', body: 'Halal menu please', updatedAt: T0 + 4002 });
    expect(await ids('vegan')).toEqual([]);
    expect(await ids('halal')).toEqual(['c-edit']);
  });

  it('stops finding message text once retention clears it', async () => {
    await conversation('c-old', T0 - 50 * DAY);
    await message('c-old', 1, T0 - 50 * DAY, {
      body: 'My invoice number is wrong',
      transcript: 'About the invoice again',
    });
    expect(await ids('invoice')).toEqual(['c-old']);
    await index.applyRetention({ bodiesOlderThanDays: 90, transcriptsOlderThanDays: null });
    expect(await ids('wrong')).toEqual([]);
    expect(await ids('invoice')).toEqual(['c-old']); // the transcript is still kept
    await index.applyRetention({ bodiesOlderThanDays: 90, transcriptsOlderThanDays: 90 });
    expect(await ids('invoice')).toEqual([]);
    expect(await ids('lanyard')).toEqual([]);
  });

  it('pages conversations sharing one last-message time exactly in conversation id order', async () => {
    const at = T0 + 10 * DAY;
    const names = Array.from({ length: 7 }, (_, k) => `c-tie-${k}`);
    // Inserted out of id order, so the index's own order within the millisecond differs from the cursor's.
    for (const id of [3, 0, 6, 1, 5, 2, 4].map((k) => `c-tie-${k}`)) {
      await message(id, 1, at, { body: 'Wristband pickup times?' });
      await conversation(id, at);
    }
    await conversation('c-tie-late', at + 1);
    await message('c-tie-late', 1, at + 1, { body: 'Wristband lost' });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await index.search({ locationId: LOC, topic: 'wristband', limit: 3, cursor });
      seen.push(...page.items.map((i) => i.conversationId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['c-tie-late', ...[...names].sort().reverse()]);
  });
});
