import { beforeAll, describe, expect, it } from 'vitest';
import { IndexError } from '../../src/search/index-error.js';
import { createLocalIndex, type LocalIndex } from '../../src/search/local-index.js';
import { describeEachDatabase } from '../helpers/databases.js';

const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.UTC(2026, 10, 1);
const LOC = 'loc-webhooks';

describeEachDatabase('local index', (getStore) => {
  let clock = T0;
  let index: LocalIndex;
  beforeAll(() => {
    const store = getStore();
    index = createLocalIndex({ db: store.db, dialect: store.dialect, now: () => clock });
  });

  async function conversation(id: string) {
    return getStore()
      .db.selectFrom('index_conversations')
      .selectAll()
      .where('conversation_id', '=', id)
      .executeTakeFirstOrThrow();
  }

  describe('webhooks', () => {
    it('counts a repeated inbound delivery as one unread message', async () => {
      const event = {
        type: 'InboundMessage',
        locationId: LOC,
        conversationId: 'conv-w1',
        contactId: 'contact-w1',
        messageId: 'msg-w1',
        messageType: 'SMS',
        direction: 'inbound',
        status: 'delivered',
        body: 'Where is the badge pickup desk?',
        dateAdded: new Date(T0 + 1000).toISOString(),
      };
      expect(await index.applyWebhookEvent(event)).toBe('message_recorded');
      expect(await index.applyWebhookEvent(event)).toBe('message_seen');
      const row = await conversation('conv-w1');
      expect(row.unread_count).toBe(1);
      expect(Number(row.last_message_at)).toBe(T0 + 1000);
      expect(row.last_message_body).toBe('Where is the badge pickup desk?');
      const found = await index.search({ locationId: LOC, topic: 'badge pickup', limit: 10 });
      expect(found.items.map((i) => i.conversationId)).toEqual(['conv-w1']);
    });

    it('applies the unread state HighLevel reports in ConversationUnreadUpdate', async () => {
      clock += 1000;
      await index.applyWebhookEvent({
        type: 'ConversationUnreadUpdate',
        locationId: LOC,
        id: 'conv-w1',
        contactId: 'contact-w1',
        unreadCount: 0,
        starred: true,
        inbox: true,
        deleted: false,
      });
      const row = await conversation('conv-w1');
      expect(row.unread_count).toBe(0);
      expect(row.starred).toBe(1);
    });

    it('records an outbound message as the last message without touching unread', async () => {
      clock += 1000;
      await index.applyWebhookEvent({
        type: 'OutboundMessage',
        locationId: LOC,
        conversationId: 'conv-w1',
        contactId: 'contact-w1',
        messageId: 'msg-w2',
        messageType: 'SMS',
        direction: 'outbound',
        status: 'sent',
        body: 'At the north entrance from eight.',
        dateAdded: new Date(T0 + 5000).toISOString(),
      });
      const row = await conversation('conv-w1');
      expect(row.unread_count).toBe(0);
      expect(row.last_message_body).toBe('At the north entrance from eight.');
      const msg = await getStore()
        .db.selectFrom('index_messages')
        .selectAll()
        .where('message_id', '=', 'msg-w2')
        .executeTakeFirstOrThrow();
      expect(msg.direction).toBe('outbound');
      expect(msg.status).toBe('sent');
    });

    it('removes a conversation, messages included, when HighLevel reports it deleted', async () => {
      clock += 1000;
      await index.applyWebhookEvent({
        type: 'InboundMessage',
        locationId: LOC,
        conversationId: 'conv-gone',
        messageId: 'msg-gone',
        body: 'bye',
        dateAdded: T0,
      });
      expect(
        await index.applyWebhookEvent({
          type: 'ConversationUnreadUpdate',
          locationId: LOC,
          id: 'conv-gone',
          deleted: true,
        }),
      ).toBe('deleted');
      const left = await getStore()
        .db.selectFrom('index_messages')
        .select('message_id')
        .where('conversation_id', '=', 'conv-gone')
        .execute();
      expect(left).toEqual([]);
      expect((await index.search({ locationId: LOC, limit: 10 })).items.map((i) => i.conversationId)).toEqual([
        'conv-w1',
      ]);
    });
  });

  describe('event of a mirrored conversation', () => {
    it('takes the event from the attendee link of the contact, so the event filter finds it', async () => {
      await getStore()
        .db.insertInto('attendee_links')
        .values({
          event_key: 'summit-2026',
          attendee_id: 'att-1',
          location_id: LOC,
          contact_id: 'contact-ev',
          conversation_id: null,
          welcome_message_id: null,
          created_at: T0,
          updated_at: T0,
        })
        .execute();
      await index.applyWebhookEvent({
        type: 'InboundMessage',
        locationId: LOC,
        conversationId: 'conv-ev',
        contactId: 'contact-ev',
        messageId: 'msg-ev',
        body: 'hello',
        dateAdded: T0,
      });
      const found = await index.search({ eventKey: 'summit-2026', limit: 5 });
      expect(found.items.map((i) => i.conversationId)).toEqual(['conv-ev']);
      await index.applyWebhookEvent({
        type: 'ConversationUnreadUpdate',
        locationId: LOC,
        id: 'conv-ev',
        deleted: true,
      });
    });
  });

  describe('upserts', () => {
    it('keeps the newer copy: an older updatedAt does not overwrite a newer one', async () => {
      await index.upsertConversation({
        conversationId: 'conv-u',
        locationId: 'loc-u',
        unreadCount: 3,
        updatedAt: T0 + 10,
      });
      await index.upsertConversation({
        conversationId: 'conv-u',
        locationId: 'loc-u',
        unreadCount: 9,
        updatedAt: T0 + 5,
      });
      expect((await conversation('conv-u')).unread_count).toBe(3);
      await index.upsertConversation({
        conversationId: 'conv-u',
        locationId: 'loc-u',
        unreadCount: 0,
        updatedAt: T0 + 20,
      });
      expect((await conversation('conv-u')).unread_count).toBe(0);
    });

    it('rejects an input without ids, naming the field', async () => {
      const failure = await index
        .upsertMessage({ messageId: '', conversationId: 'c', locationId: 'l', createdAt: 1, updatedAt: 1 })
        .catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(IndexError);
      expect((failure as IndexError).message).toContain('messageId');
    });
  });

  describe('search and paging', () => {
    const LOC2 = 'loc-paging';
    beforeAll(async () => {
      for (let i = 0; i < 23; i++) {
        // Pairs share a last-message time, so paging must break ties on the id.
        const at = T0 + Math.floor(i / 2) * 1000;
        await index.upsertConversation({
          conversationId: `conv-p${String(i).padStart(2, '0')}`,
          locationId: LOC2,
          contactName: i === 7 ? 'Grace Hopper' : `Person ${i}`,
          contactEmail: i === 7 ? 'Grace.Hopper@Example.com' : `person${i}@example.com`,
          unreadCount: i % 3 === 0 ? 1 : 0,
          starred: i % 5 === 0,
          lastMessageAt: at,
          lastMessageBody: `hello ${i}`,
          updatedAt: T0,
        });
        await index.upsertMessage({
          messageId: `msg-p${i}`,
          conversationId: `conv-p${String(i).padStart(2, '0')}`,
          locationId: LOC2,
          direction: 'inbound',
          body: i % 4 === 0 ? 'Is parking included with the ticket?' : 'Thanks for the update',
          transcript: i === 9 ? 'I would like to switch my workshop session to the afternoon.' : null,
          createdAt: at,
          updatedAt: T0,
        });
      }
    });

    async function all(input: Parameters<LocalIndex['search']>[0]) {
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await index.search({ ...input, cursor });
        ids.push(...page.items.map((i) => i.conversationId));
        cursor = page.nextCursor;
      } while (cursor);
      return ids;
    }

    it('pages every result exactly once, newest first, with ties broken by id', async () => {
      const ids = await all({ locationId: LOC2, limit: 4 });
      expect(ids).toHaveLength(23);
      expect(new Set(ids).size).toBe(23);
      expect(ids[0]).toBe('conv-p22');
      expect(ids.slice(1, 3)).toEqual(['conv-p21', 'conv-p20']);
    });

    it('finds an attendee by email in any case', async () => {
      expect(await all({ attendee: { email: 'grace.hopper@example.COM' }, limit: 5 })).toEqual(['conv-p07']);
    });

    it('finds an attendee by part of the name', async () => {
      expect(await all({ attendee: { name: 'hopp' }, limit: 5 })).toEqual(['conv-p07']);
    });

    it('finds an attendee by contact id', async () => {
      expect(await all({ attendee: { id: 'contact-w1' }, limit: 5 })).toEqual(['conv-w1']);
    });

    it('finds topic words in message bodies', async () => {
      const parking = await all({ locationId: LOC2, topic: 'parking', limit: 5 });
      expect(parking.sort()).toEqual(['conv-p00', 'conv-p04', 'conv-p08', 'conv-p12', 'conv-p16', 'conv-p20']);
    });

    it('finds topic words in transcripts, with a snippet', async () => {
      const workshop = await index.search({ locationId: LOC2, topic: 'workshop afternoon', limit: 5 });
      expect(workshop.items.map((i) => i.conversationId)).toEqual(['conv-p09']);
      expect(workshop.items[0]?.matches[0]).toContain('[workshop]');
    });

    it('filters by status unread', async () => {
      const unread = await all({ locationId: LOC2, status: 'unread', limit: 50 });
      expect(unread.sort()).toEqual([
        'conv-p00',
        'conv-p03',
        'conv-p06',
        'conv-p09',
        'conv-p12',
        'conv-p15',
        'conv-p18',
        'conv-p21',
      ]);
    });

    it('filters by status read', async () => {
      expect(await all({ locationId: LOC2, status: 'read', limit: 50 })).toHaveLength(15);
    });

    it('filters by status starred', async () => {
      expect((await all({ locationId: LOC2, status: 'starred', limit: 50 })).sort()).toEqual([
        'conv-p00',
        'conv-p05',
        'conv-p10',
        'conv-p15',
        'conv-p20',
      ]);
    });

    it('filters by last-message date range', async () => {
      const ids = await all({ locationId: LOC2, from: T0 + 1000, to: T0 + 2000, limit: 50 });
      expect(ids).toEqual(['conv-p05', 'conv-p04', 'conv-p03', 'conv-p02']);
    });

    it('rejects a bad limit with a clear error', async () => {
      await expect(index.search({ limit: 0 })).rejects.toThrow(/limit must be a whole number/);
    });

    it('rejects a forged cursor with a clear error', async () => {
      const failure = await index.search({ limit: 5, cursor: 'not-a-cursor' }).catch((e: unknown) => e);
      expect((failure as IndexError).code).toBe('invalid_cursor');
    });
  });

  describe('retention', () => {
    it('clears only the message text older than the retention limits', async () => {
      await index.upsertMessage({
        messageId: 'msg-old',
        conversationId: 'conv-r',
        locationId: 'loc-r',
        body: 'an old secret about refunds',
        transcript: 'old call about refunds',
        createdAt: clock - 40 * DAY,
        updatedAt: clock,
      });
      await index.upsertMessage({
        messageId: 'msg-new',
        conversationId: 'conv-r',
        locationId: 'loc-r',
        body: 'a new note about refunds',
        transcript: 'new call',
        createdAt: clock - DAY,
        updatedAt: clock,
      });
      const result = await index.applyRetention({ bodiesOlderThanDays: 30, transcriptsOlderThanDays: 30 });
      expect(result.bodiesCleared).toBeGreaterThanOrEqual(1);
      const rows = await getStore()
        .db.selectFrom('index_messages')
        .select(['message_id', 'body', 'transcript'])
        .where('conversation_id', '=', 'conv-r')
        .orderBy('message_id')
        .execute();
      expect(rows).toEqual([
        { message_id: 'msg-new', body: 'a new note about refunds', transcript: 'new call' },
        { message_id: 'msg-old', body: null, transcript: null },
      ]);
    });
  });
});
