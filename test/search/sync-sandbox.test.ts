import { afterAll, beforeAll, expect, it } from 'vitest';
import { createHighLevelClient, type HighLevelClient } from '../../src/highlevel/client.js';
import { createLocalIndex, type LocalIndex } from '../../src/search/local-index.js';
import { OVERLAP_MS } from '../../src/search/sync-location.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { type SandboxHandle, withSandbox } from '../helpers/sandbox.js';

const ATTENDEES = 50;

describeEachDatabase('syncLocation against the sandbox', (getStore) => {
  let handle: SandboxHandle;
  let client: HighLevelClient;
  let index: LocalIndex;
  let locationId: string;
  let callMessageId: string;
  let truth: { conversations: number; messages: number };

  beforeAll(async () => {
    handle = await withSandbox({ attendees: 1 });
    // A fresh location seeded with 50 attendees, so the counts below are exactly what seeding made.
    const { location, seeded } = handle.sandbox.addLocation({ attendees: ATTENDEES });
    locationId = location.id;
    callMessageId = seeded!.callMessageId;
    truth = { conversations: seeded!.conversations, messages: seeded!.messages };
    const token = handle.sandbox.issueToken({ locationId }).accessToken;
    client = createHighLevelClient({ baseUrl: handle.url, auth: { getAccessToken: async () => token }, maxRetries: 0 });
    const store = getStore();
    index = createLocalIndex({ db: store.db, dialect: store.dialect });
  });
  afterAll(async () => {
    await handle?.close();
  });

  it('mirrors the whole location, call transcript included', async () => {
    const result = await index.syncLocation({ client, locationId, since: null });
    expect(result.conversations).toBe(truth.conversations);
    expect(result.messages).toBe(truth.messages);
    expect(result.transcripts).toBe(1);
    const db = getStore().db;
    const conversations = await db
      .selectFrom('index_conversations')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('location_id', '=', locationId)
      .executeTakeFirstOrThrow();
    expect(Number(conversations.n)).toBe(ATTENDEES);
    const call = await db
      .selectFrom('index_messages')
      .selectAll()
      .where('message_id', '=', callMessageId)
      .executeTakeFirstOrThrow();
    expect(call.transcript).toMatch(/\w+/);
    expect(call.has_recording).toBe(1);
  });

  /** The first mirrored conversation that has an email, in conversation id order. */
  const someone = () =>
    getStore()
      .db.selectFrom('index_conversations')
      .selectAll()
      .where('location_id', '=', locationId)
      .where('contact_email', 'is not', null)
      .orderBy('conversation_id')
      .executeTakeFirstOrThrow();

  it('finds a seeded attendee by email', async () => {
    const attendee = await someone();
    const byEmail = await index.search({ locationId, attendee: { email: attendee.contact_email! }, limit: 5 });
    expect(byEmail.items.map((i) => i.conversationId)).toEqual([attendee.conversation_id]);
  });

  it('finds a seeded attendee by name', async () => {
    const attendee = await someone();
    const byName = await index.search({ locationId, attendee: { name: attendee.contact_name! }, limit: 50 });
    expect(byName.items.map((i) => i.conversationId)).toContain(attendee.conversation_id);
  });

  it('finds a seeded conversation by a word of a message body', async () => {
    const db = getStore().db;
    // A word from a stored body must find that body's conversation. The word is a content word on
    // purpose: Postgres's english configuration drops stop words ("where", "there"), so a query made of
    // one finds nothing there while SQLite's FTS5 (no stop list) would still match.
    const message = await db
      .selectFrom('index_messages')
      .select(['conversation_id', 'body'])
      .where('location_id', '=', locationId)
      .where('type', '=', 'TYPE_SMS')
      .where('body', 'like', '%vegetarian%')
      .orderBy('message_id')
      .executeTakeFirstOrThrow();
    const byBody = await index.search({ locationId, topic: 'vegetarian', limit: 100 });
    expect(byBody.items.map((i) => i.conversationId)).toContain(message.conversation_id);
  });

  it('finds the seeded call by words of its transcript', async () => {
    const db = getStore().db;
    const call = await db
      .selectFrom('index_messages')
      .select(['conversation_id', 'transcript'])
      .where('message_id', '=', callMessageId)
      .executeTakeFirstOrThrow();
    const transcriptWords = (call.transcript ?? '').split(/\W+/).filter((w) => w.length > 6);
    const byTranscript = await index.search({ locationId, topic: transcriptWords.slice(0, 2).join(' '), limit: 100 });
    expect(byTranscript.items.map((i) => i.conversationId)).toContain(call.conversation_id);
  });

  it('finds the one seeded starred conversation', async () => {
    const starred = await index.search({ locationId, status: 'starred', limit: 100 });
    expect(starred.items).toHaveLength(1);
  });

  it('finds the unread conversations the sandbox reports', async () => {
    const unread = await index.search({ locationId, status: 'unread', limit: 100 });
    const unreadTruth = await client.conversations.searchConversations(
      { locationId, status: 'unread', limit: 100 },
      { locationId },
    );
    expect(unread.items.map((i) => i.conversationId).sort()).toEqual(unreadTruth.conversations.map((c) => c.id).sort());
  });

  it('a second sync re-reads only the conversations inside the one-hour overlap', async () => {
    const newest = await index.search({ locationId, limit: 5 });
    const fifth = newest.items[4]!;
    // `since` one hour after the fifth-newest last message: the window (since − 1 h) holds exactly five.
    const result = await index.syncLocation({ client, locationId, since: fifth.lastMessageAt + OVERLAP_MS });
    expect(result.conversations).toBe(5);
    expect(result.searchPages).toBe(2); // one starred pass, one page of the rescan
  });
});
