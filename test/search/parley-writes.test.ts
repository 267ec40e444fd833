/**
 * What the index records of parley's own HighLevel writes (src/search/parley-writes.ts), on both
 * databases: the contact's details name its conversations, a conversation takes its event from the
 * attendee links, the newest message is the conversation's last, an inbound message counts unread once,
 * a scheduled send does not move the last message, and a stored row is never dated back. Search finds
 * what was written by name and by topic.
 */
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { indexActionWrite, indexWrittenConversation } from '../../src/search/parley-writes.js';
import { searchConversations } from '../../src/search/search-conversations.js';
import { describeEachDatabase } from '../helpers/databases.js';

const L = 'loc-writes';

describeEachDatabase('index of what parley writes', (getStore) => {
  const db = () => getStore().db;

  async function conversation(id: string) {
    return db().selectFrom('index_conversations').selectAll().where('conversation_id', '=', id).executeTakeFirst();
  }

  async function upsertContact(contactId: string, body: Record<string, unknown>, now: number, answer = {}) {
    await indexActionWrite(db(), {
      operationId: 'upsert-contact',
      call: { body: { locationId: L, ...body } },
      answer: { new: true, contact: { id: contactId, locationId: L, ...answer } },
      locationId: L,
      now,
    });
  }

  async function send(input: {
    conversationId: string;
    contactId: string;
    messageId: string;
    message: string;
    dateAdded?: string;
    now: number;
    operationId?: string;
    extra?: Record<string, unknown>;
  }) {
    await indexActionWrite(db(), {
      operationId: input.operationId ?? 'send-a-new-message',
      call: { body: { type: 'SMS', contactId: input.contactId, message: input.message, ...input.extra } },
      extras: { conversationId: input.conversationId },
      answer: {
        conversationId: input.conversationId,
        messageId: input.messageId,
        status: 'delivered',
        ...(input.dateAdded ? { dateAdded: input.dateAdded } : {}),
      },
      locationId: L,
      now: input.now,
    });
  }

  it('names a created conversation from the contact upserted before it, and finds it by name and topic', async () => {
    await upsertContact('c1', { firstName: 'Grace', lastName: 'Hopper', email: 'Grace@Example.com' }, 1_000);
    await indexWrittenConversation(db(), { conversationId: 'v1', locationId: L, contactId: 'c1', now: 2_000 });
    expect(await conversation('v1')).toMatchObject({
      location_id: L,
      contact_id: 'c1',
      contact_name: 'Grace Hopper',
      contact_email: 'grace@example.com',
      contact_phone: null,
      last_message_at: 0,
      updated_at: 2_000,
    });
    await send({
      conversationId: 'v1',
      contactId: 'c1',
      messageId: 'm1',
      message: 'Welcome to the compiler summit',
      dateAdded: '2026-01-01T00:00:00.000Z',
      now: 3_000,
    });
    const row = await conversation('v1');
    expect(row).toMatchObject({
      contact_name: 'Grace Hopper',
      last_message_at: Date.parse('2026-01-01T00:00:00.000Z'),
      last_message_body: 'Welcome to the compiler summit',
      status: 'delivered',
      unread_count: 0,
      updated_at: 3_000,
    });
    const message = await db()
      .selectFrom('index_messages')
      .selectAll()
      .where('message_id', '=', 'm1')
      .executeTakeFirstOrThrow();
    expect(message).toMatchObject({
      conversation_id: 'v1',
      direction: 'outbound',
      type: 'TYPE_SMS',
      body: 'Welcome to the compiler summit',
      updated_at: 3_000,
    });
    const { dialect } = getStore();
    const byName = await searchConversations(db(), dialect, { attendee: { name: 'hopp' }, limit: 10 });
    expect(byName.items.map((i) => i.conversationId)).toEqual(['v1']);
    const byTopic = await searchConversations(db(), dialect, { topic: 'compiler', limit: 10 });
    expect(byTopic.items.map((i) => i.conversationId)).toEqual(['v1']);
    if (dialect === 'sqlite') {
      // One topic document per conversation, holding its messages' text (migration 0007).
      const docs = await sql<{ body: string | null }>`select t.body from index_topics t
        join index_conversations c on c.rowid = t.conversation_rowid where c.conversation_id = 'v1'`.execute(db());
      expect(docs.rows).toEqual([{ body: 'Welcome to the compiler summit ' }]);
    }
  });

  it('keeps a detail the contact upsert did not learn, and renames the contact’s conversations', async () => {
    await upsertContact('c2', { firstName: 'Ada', lastName: 'King', phone: '+15550002' }, 1_000);
    await indexWrittenConversation(db(), { conversationId: 'v2', locationId: L, contactId: 'c2', now: 1_000 });
    // The answer's contact is what HighLevel kept: it wins over the request; email is new, phone kept.
    await upsertContact('c2', { firstName: 'Ada', lastName: 'King' }, 2_000, {
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ADA@example.com',
    });
    const contact = await db()
      .selectFrom('index_contacts')
      .selectAll()
      .where('contact_id', '=', 'c2')
      .executeTakeFirstOrThrow();
    expect(contact).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.com', phone: '+15550002' });
    expect(await conversation('v2')).toMatchObject({
      contact_name: 'Ada Lovelace',
      contact_email: 'ada@example.com',
      contact_phone: '+15550002',
      // A contact's name is not a change HighLevel made to the conversation.
      updated_at: 1_000,
    });
  });

  it('fills the event from the attendee links, skipping check-in links, and keeps an event already set', async () => {
    await db()
      .insertInto('attendee_links')
      .values([
        {
          event_key: 'check-in:evt-a',
          attendee_id: 'a3',
          location_id: L,
          contact_id: 'c3',
          created_at: 1,
          updated_at: 1,
        },
        { event_key: 'evt-a', attendee_id: 'a3', location_id: L, contact_id: 'c3', created_at: 2, updated_at: 2 },
        { event_key: 'evt-b', attendee_id: 'a3', location_id: L, contact_id: 'c3', created_at: 3, updated_at: 3 },
      ])
      .execute();
    await indexWrittenConversation(db(), { conversationId: 'v3', locationId: L, contactId: 'c3', now: 1_000 });
    expect((await conversation('v3'))?.event_key).toBe('evt-a');
    await db()
      .updateTable('index_conversations')
      .set({ event_key: 'evt-z' })
      .where('conversation_id', '=', 'v3')
      .execute();
    await send({ conversationId: 'v3', contactId: 'c3', messageId: 'm3', message: 'hello', now: 2_000 });
    expect((await conversation('v3'))?.event_key).toBe('evt-z');
    // A contact the index has never named leaves the conversation unnamed.
    expect(await conversation('v3')).toMatchObject({ contact_name: null, contact_email: null });
  });

  it('never dates a conversation back: a write older than the stored row keeps its updated_at', async () => {
    await indexWrittenConversation(db(), { conversationId: 'v4', locationId: L, contactId: 'c4', now: 5_000 });
    await indexWrittenConversation(db(), { conversationId: 'v4', locationId: L, contactId: 'c4', now: 4_000 });
    expect((await conversation('v4'))?.updated_at).toBe(5_000);
    await send({
      conversationId: 'v4',
      contactId: 'c4',
      messageId: 'm4',
      message: 'late',
      dateAdded: '2026-01-01T00:00:00.000Z',
      now: 4_500,
    });
    expect(await conversation('v4')).toMatchObject({ updated_at: 5_000, last_message_body: 'late' });
    const message = await db()
      .selectFrom('index_messages')
      .select('updated_at')
      .where('message_id', '=', 'm4')
      .executeTakeFirstOrThrow();
    expect(message.updated_at).toBe(5_000);
  });

  it('keeps the newest message as the last one, and a scheduled send does not move it', async () => {
    const at = (iso: string) => ({ dateAdded: iso });
    await send({
      conversationId: 'v5',
      contactId: 'c5',
      messageId: 'm5b',
      message: 'second',
      ...at('2026-02-02T00:00:00.000Z'),
      now: 1_000,
    });
    await send({
      conversationId: 'v5',
      contactId: 'c5',
      messageId: 'm5a',
      message: 'first',
      ...at('2026-02-01T00:00:00.000Z'),
      now: 2_000,
    });
    expect(await conversation('v5')).toMatchObject({
      last_message_body: 'second',
      last_message_at: Date.parse('2026-02-02T00:00:00.000Z'),
    });
    const later = Date.parse('2026-03-01T00:00:00.000Z');
    await send({
      conversationId: 'v5',
      contactId: 'c5',
      messageId: 'm5c',
      message: 'see you soon',
      now: 3_000,
      extra: { scheduledTimestamp: later / 1000 },
    });
    expect(await conversation('v5')).toMatchObject({ last_message_body: 'second', updated_at: 3_000 });
    const scheduled = await db()
      .selectFrom('index_messages')
      .select(['status', 'created_at'])
      .where('message_id', '=', 'm5c')
      .executeTakeFirstOrThrow();
    expect(scheduled).toEqual({ status: 'scheduled', created_at: later });
  });

  it('counts an inbound message unread once, however often it is recorded', async () => {
    const inbound = {
      conversationId: 'v6',
      contactId: 'c6',
      messageId: 'm6',
      message: 'Is there parking?',
      operationId: 'add-an-inbound-message',
      extra: { direction: 'inbound', conversationId: 'v6' },
    };
    await send({ ...inbound, now: 1_000 });
    await send({ ...inbound, now: 2_000 });
    expect(await conversation('v6')).toMatchObject({ unread_count: 1, last_message_body: 'Is there parking?' });
    const message = await db()
      .selectFrom('index_messages')
      .select('direction')
      .where('message_id', '=', 'm6')
      .executeTakeFirstOrThrow();
    expect(message.direction).toBe('inbound');
  });

  it('records nothing for an operation the index does not mirror, or an answer without ids', async () => {
    expect(
      await indexActionWrite(db(), { operationId: 'get-conversation', call: {}, answer: {}, locationId: L, now: 1 }),
    ).toBe(false);
    await send({ conversationId: 'v7', contactId: 'c7', messageId: '', message: 'no id', now: 1_000 });
    expect(await conversation('v7')).toBeUndefined();
  });
});
