import { describe, expect, it } from 'vitest';
import {
  createHarness,
  type DomainHarness,
  expectValid,
  LOCATION,
  OTHER_LOCATION,
  responseValidator,
  schemaValidator,
} from './domain-fixtures.js';

const SMS = { type: 'SMS', subType: 'SMS', status: 'pending' };

async function smsContact(h: DomainHarness) {
  const contactId = await h.contact({ email: 'mia@example.com', phone: '+16175550103', firstName: 'Mia' });
  const sent = await h.call('send-a-new-message', { body: { ...SMS, contactId, message: 'Welcome to the summit!' } });
  return { contactId, conversationId: sent.body.conversationId as string, messageId: sent.body.messageId as string };
}

describe('sandbox domain: sending', () => {
  it('sends an SMS: delivered at once, spec-shaped answer, one OutboundMessage webhook', async () => {
    const h = createHarness();
    const contactId = await h.contact({ email: 'mia@example.com', phone: '+16175550103' });
    const res = await h.call('send-a-new-message', { body: { ...SMS, contactId, message: 'Hello Mia' } });
    expect(res.status).toBe(200);
    expectValid(responseValidator('/conversations/messages', 'post', 200), res.body);
    expect(res.body).toMatchObject({ msg: 'Message queued successfully.', status: 'delivered' });
    expect(res.body.emailMessageId).toBeUndefined();
    expect(h.events).toHaveLength(1);
    expect(h.events[0]).toMatchObject({
      type: 'OutboundMessage',
      locationId: LOCATION,
      messageType: 'SMS',
      messageId: res.body.messageId,
      conversationId: res.body.conversationId,
      body: 'Hello Mia',
      direction: 'outbound',
      status: 'delivered',
      to: '+16175550103',
    });
    const got = await h.call('get-message', { params: { id: res.body.messageId } });
    expectValid(schemaValidator('GetMessageResponseDto'), got.body);
    expect(got.body).toMatchObject({ type: 2, messageType: 'TYPE_SMS', status: 'delivered', direction: 'outbound' });
  });

  it('answers 422 naming the phone when sending SMS to a contact without one', async () => {
    const h = createHarness();
    const contactId = await h.contact({ email: 'nophone@example.com' });
    const res = await h.call('send-a-new-message', { body: { ...SMS, contactId, message: 'Hi' } });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ statusCode: 422, error: 'Unprocessable Entity' });
    expect(res.body.message[0]).toMatch(/^phone: .*no phone number/);
    expect(h.events).toHaveLength(0);
    expect(h.domain.state.counts(LOCATION).messages).toBe(0);
  });

  it('sends an email with an emailMessageId whose email record carries the thread', async () => {
    const h = createHarness();
    const contactId = await h.contact({ email: 'leo@example.com' });
    const res = await h.call('send-a-new-message', {
      body: {
        type: 'Email',
        subType: 'Email',
        status: 'pending',
        contactId,
        subject: 'Your ticket',
        html: '<p>Ticket</p>',
      },
    });
    expect(res.body.emailMessageId).toMatch(/^id\d{18}$/);
    const email = await h.call('get-email-by-id', { params: { id: res.body.emailMessageId } });
    expectValid(schemaValidator('GetEmailMessageResponseDto'), email.body);
    expect(email.body).toMatchObject({
      id: res.body.emailMessageId,
      threadId: res.body.messageId,
      to: ['leo@example.com'],
      subject: 'Your ticket',
      contentType: 'text/html',
    });
    expect(h.events[0]).toMatchObject({ messageType: 'Email', emailMessageId: res.body.emailMessageId });
  });
});

describe('sandbox domain: scheduled messages', () => {
  /** An SMS scheduled an hour ahead, and a cancel of it. */
  async function scheduledSms() {
    const h = createHarness();
    const contactId = await h.contact({ email: 'sam@example.com', phone: '+12065550104' });
    const inOneHour = Math.floor(h.now() / 1000) + 3600;
    const sent = await h.call('send-a-new-message', {
      body: { ...SMS, contactId, message: 'Doors open in an hour', scheduledTimestamp: inOneHour },
    });
    const cancel = () => h.call('cancel-scheduled-message', { params: { messageId: sent.body.messageId } });
    return { h, sent, cancel };
  }

  it('schedules a message without sending it', async () => {
    const { h, sent } = await scheduledSms();
    expect(sent.body.status).toBe('pending');
    expect(h.events).toHaveLength(0);
    const got = await h.call('get-message', { params: { id: sent.body.messageId } });
    expect(got.body.status).toBe('scheduled');
  });

  it('cancels a scheduled message with body status 200', async () => {
    const { cancel } = await scheduledSms();
    const first = await cancel();
    expect(first).toEqual({ status: 200, body: { status: 200, message: 'Scheduled message cancelled successfully' } });
    expectValid(schemaValidator('CancelScheduledResponseDto'), first.body);
  });

  it('answers a second cancel HTTP 200 with body status 400', async () => {
    const { cancel } = await scheduledSms();
    await cancel();
    expect(await cancel()).toEqual({
      status: 200,
      body: { status: 400, message: 'Failed cancel the scheduled message' },
    });
  });

  it('answers the cancel of an unknown message HTTP 200 with body status 404', async () => {
    const { h } = await scheduledSms();
    const unknown = await h.call('cancel-scheduled-message', { params: { messageId: 'missing' } });
    expect(unknown).toEqual({ status: 200, body: { status: 404, message: 'Failed cancel the scheduled message' } });
  });

  it('never delivers a cancelled message', async () => {
    const { h, sent, cancel } = await scheduledSms();
    await cancel();
    h.advance(2 * 3600 * 1000);
    await h.call('get-messages', { params: { conversationId: sent.body.conversationId } });
    expect(h.events).toHaveLength(0);
  });

  it('cancels a scheduled email through its emailMessageId', async () => {
    const h = createHarness();
    const contactId = await h.contact({ email: 'eve@example.com' });
    const sent = await h.call('send-a-new-message', {
      body: {
        type: 'Email',
        subType: 'Email',
        status: 'pending',
        contactId,
        message: 'Reminder',
        scheduledTimestamp: Math.floor(h.now() / 1000) + 60,
      },
    });
    const res = await h.call('cancel-scheduled-email-message', {
      params: { emailMessageId: sent.body.emailMessageId },
    });
    expect(res.body).toEqual({ status: 200, message: 'Scheduled message cancelled successfully' });
    const again = await h.call('cancel-scheduled-email-message', {
      params: { emailMessageId: sent.body.emailMessageId },
    });
    expect(again.body.status).toBe(400);
  });

  it('delivers a scheduled message once its time passes, on the next read, emitting one OutboundMessage', async () => {
    const h = createHarness();
    const contactId = await h.contact({ email: 'sam@example.com', phone: '+12065550104' });
    const sent = await h.call('send-a-new-message', {
      body: { ...SMS, contactId, message: 'Doors are open', scheduledTimestamp: Math.floor(h.now() / 1000) + 600 },
    });
    h.advance(601 * 1000);
    const got = await h.call('get-message', { params: { id: sent.body.messageId } });
    expect(got.body.status).toBe('delivered');
    await h.call('get-message', { params: { id: sent.body.messageId } });
    const outbound = h.events.filter((e) => e.type === 'OutboundMessage');
    expect(outbound).toHaveLength(1);
    expect(outbound[0]).toMatchObject({ messageId: sent.body.messageId, body: 'Doors are open' });

    const search = await h.call('search-conversation', { query: { locationId: LOCATION } });
    expect(search.body.conversations[0].lastMessageBody).toBe('Doors are open');
    const late = await h.call('cancel-scheduled-message', { params: { messageId: sent.body.messageId } });
    expect(late.body).toEqual({ status: 400, message: 'Failed cancel the scheduled message' });
  });
});

describe('sandbox domain: inbound messages and status', () => {
  /** An inbound SMS added to a contact's conversation; only the events since are kept. */
  async function inboundSms() {
    const h = createHarness();
    const { contactId, conversationId } = await smsContact(h);
    h.events.length = 0;
    const res = await h.call('add-an-inbound-message', {
      body: { type: 'SMS', conversationId, contactId, conversationProviderId: 'prov-1', message: 'Is parking free?' },
    });
    return { h, conversationId, res };
  }

  it('adds an inbound message', async () => {
    const { res } = await inboundSms();
    expect(res.status).toBe(200);
    expectValid(responseValidator('/conversations/messages/inbound', 'post', 200), res.body);
  });

  it('emits InboundMessage then ConversationUnreadUpdate for an inbound message', async () => {
    const { h, conversationId, res } = await inboundSms();
    expect(h.events.map((e) => e.type)).toEqual(['InboundMessage', 'ConversationUnreadUpdate']);
    expect(h.events[0]).toMatchObject({
      direction: 'inbound',
      body: 'Is parking free?',
      messageId: res.body.messageId,
    });
    expect(h.events[1]).toMatchObject({ id: conversationId, unreadCount: 1 });
  });

  it('increments unreadCount for an inbound message', async () => {
    const { h, conversationId } = await inboundSms();
    const conversation = await h.call('get-conversation', { params: { conversationId } });
    expect(conversation.body.unreadCount).toBe(1);
  });

  /** A contact's SMS conversation and another contact. */
  async function twoContacts() {
    const h = createHarness();
    const { conversationId } = await smsContact(h);
    const other = await h.contact({ email: 'other@example.com', phone: '+15125550105' });
    return { h, conversationId, other };
  }

  it('answers 400 when the conversation belongs to another contact', async () => {
    const { h, conversationId, other } = await twoContacts();
    const wrong = await h.call('add-an-inbound-message', {
      body: { type: 'SMS', conversationId, contactId: other, conversationProviderId: 'p', message: 'x' },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.message).toMatch(/conversationId .* contactId/);
  });

  it('answers 404 for an inbound message to an unknown conversation', async () => {
    const { h, other } = await twoContacts();
    const unknown = await h.call('add-an-inbound-message', {
      body: { type: 'SMS', conversationId: 'nope', contactId: other, conversationProviderId: 'p', message: 'x' },
    });
    expect(unknown.body).toEqual({ statusCode: 404, message: 'Conversation not found' });
  });

  it('updates an outbound message’s status', async () => {
    const h = createHarness();
    const { messageId } = await smsContact(h);
    const res = await h.call('update-message-status', {
      params: { messageId },
      body: { status: 'failed', error: { code: '30007', type: 'carrier', message: 'Filtered by carrier' } },
    });
    expect(res.status).toBe(200);
    expectValid(responseValidator('/conversations/messages/{messageId}/status', 'put', 200), res.body);
    expect(res.body).toMatchObject({ messageId, status: 'failed' });
    expect((await h.call('get-message', { params: { id: messageId } })).body.status).toBe('failed');
  });

  it('refuses to update an inbound message’s status with a 400 saying why', async () => {
    const h = createHarness();
    const { contactId, conversationId } = await smsContact(h);
    const inbound = await h.call('add-an-inbound-message', {
      body: { type: 'SMS', conversationId, contactId, conversationProviderId: 'p', message: 'hi' },
    });
    const refused = await h.call('update-message-status', {
      params: { messageId: inbound.body.messageId },
      body: { status: 'read' },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/inbound; only outbound messages/);
  });
});

describe('sandbox domain: listing messages', () => {
  async function thread(h: DomainHarness, count: number) {
    const { contactId, conversationId, messageId } = await smsContact(h);
    const ids = [messageId];
    for (let i = 1; i < count; i++) {
      h.advance(1000);
      const res = await h.call('add-an-inbound-message', {
        body: { type: 'SMS', conversationId, contactId, conversationProviderId: 'p', message: `reply ${i}` },
      });
      ids.push(res.body.messageId);
    }
    return { conversationId, ids };
  }

  it('answers get-messages wrapped by default, newest first, paging with lastMessageId', async () => {
    const h = createHarness();
    const { conversationId, ids } = await thread(h, 5);
    const first = await h.call('get-messages', { params: { conversationId }, query: { limit: 2 } });
    expect(Object.keys(first.body)).toEqual(['messages']);
    expectValid(schemaValidator('GetMessagesByConversationResponseDto'), first.body.messages);
    const page1 = first.body.messages;
    expect(page1.messages.map((m: any) => m.id)).toEqual([ids[4], ids[3]]);
    expect(page1).toMatchObject({ lastMessageId: ids[3], nextPage: true });

    const seen = [...page1.messages.map((m: any) => m.id)];
    let cursor = page1.lastMessageId;
    let nextPage = page1.nextPage;
    while (nextPage) {
      const res = await h.call('get-messages', {
        params: { conversationId },
        query: { limit: 2, lastMessageId: cursor },
      });
      seen.push(...res.body.messages.messages.map((m: any) => m.id));
      cursor = res.body.messages.lastMessageId;
      nextPage = res.body.messages.nextPage;
    }
    expect(seen).toEqual([...ids].reverse());
  });

  it('answers get-messages flat when configured', async () => {
    const h = createHarness({ messagesShape: 'flat' });
    const { conversationId, ids } = await thread(h, 3);
    const res = await h.call('get-messages', { params: { conversationId } });
    expectValid(responseValidator('/conversations/{conversationId}/messages', 'get', 200), res.body);
    expect(res.body.messages.map((m: any) => m.id)).toEqual([ids[2], ids[1], ids[0]]);
    expect(res.body.nextPage).toBe(false);
  });

  it('filters get-messages by type', async () => {
    const h = createHarness({ messagesShape: 'flat' });
    const { conversationId } = await thread(h, 3);
    const calls = await h.call('get-messages', {
      params: { conversationId },
      query: { type: 'TYPE_CALL,TYPE_INTERNAL_COMMENTS' },
    });
    expect(calls.body.messages).toEqual([]);
  });

  it('exports a location’s messages with a cursor that ends in null, each message once', async () => {
    const h = createHarness();
    const { ids } = await thread(h, 5);
    const seen: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const res = await h.call('export-messages-by-location', {
        query: { locationId: LOCATION, limit: 2, sortOrder: 'asc', ...(cursor ? { cursor } : {}) },
      });
      expect(res.body.total).toBe(5);
      if (res.body.nextCursor !== null)
        expectValid(responseValidator('/conversations/messages/export', 'get', 200), res.body);
      seen.push(...res.body.messages.map((m: any) => m.id));
      if (res.body.nextCursor === null) break;
      cursor = res.body.nextCursor;
    }
    expect(seen).toEqual(ids);
    const foreign = await h.call('export-messages-by-location', { query: { locationId: OTHER_LOCATION } });
    expect(foreign.status).toBe(403);
  });
});
