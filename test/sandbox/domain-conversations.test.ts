import { describe, expect, it } from 'vitest';
import { CONVERSATION_OPERATIONS } from '../../src/highlevel/generated/operations.js';
import {
  createHarness,
  expectValid,
  LOCATION,
  OTHER_LOCATION,
  responseValidator,
  schemaValidator,
} from './domain-fixtures.js';

describe('sandbox domain: handlers', () => {
  it('registers exactly one handler per supported operation: 29 for conversations, 3 for contacts', () => {
    const h = createHarness();
    const contactOperations = ['upsert-contact', 'get-contact', 'add-tags'];
    const expected = [...CONVERSATION_OPERATIONS.map((o) => o.operationId), ...contactOperations].sort();
    expect(Object.keys(h.domain.handlers).sort()).toEqual(expected);
    expect(expected).toHaveLength(32);
  });
});

describe('sandbox domain: contacts', () => {
  it('upserts by email case-insensitively, then by phone, updating instead of duplicating', async () => {
    const h = createHarness();
    const first = await h.call('upsert-contact', {
      body: { locationId: LOCATION, email: 'Ada@Example.com', firstName: 'Ada', lastName: 'Lovelace' },
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ new: true, contact: { email: 'Ada@Example.com', name: 'Ada Lovelace' } });
    expect(typeof first.body.traceId).toBe('string');

    const again = await h.call('upsert-contact', {
      body: { locationId: LOCATION, email: 'ada@example.com', phone: '+14155550100' },
    });
    expect(again.body.new).toBe(false);
    expect(again.body.contact.id).toBe(first.body.contact.id);

    const byPhone = await h.call('upsert-contact', {
      body: { locationId: LOCATION, phone: '+1 (415) 555-0100', tags: ['vip'] },
    });
    expect(byPhone.body).toMatchObject({ new: false, contact: { id: first.body.contact.id, tags: ['vip'] } });

    const got = await h.call('get-contact', { params: { contactId: first.body.contact.id } });
    expect(got.body.contact).toMatchObject({ id: first.body.contact.id, phone: '+14155550100', firstName: 'Ada' });
    expect(h.domain.state.counts(LOCATION).contacts).toBe(1);
  });

  it('answers 422 asking for an email or phone when the upsert has neither', async () => {
    const h = createHarness();
    const res = await h.call('upsert-contact', { body: { locationId: LOCATION, firstName: 'Nobody' } });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ statusCode: 422, error: 'Unprocessable Entity' });
    expect(res.body.message.join(' ')).toMatch(/email or phone/);
  });

  it('answers 404 for an unknown contact', async () => {
    const h = createHarness();
    await h.contact({ email: 'a@example.com' });
    expect((await h.call('get-contact', { params: { contactId: 'missing' } })).body).toEqual({
      statusCode: 404,
      message: 'Contact not found',
    });
  });

  it('answers 403 for another location’s contact', async () => {
    const h = createHarness();
    const id = await h.contact({ email: 'a@example.com' });
    const foreign = await h.call('get-contact', { params: { contactId: id }, locationId: OTHER_LOCATION });
    expect(foreign.status).toBe(403);
  });
});

describe('sandbox domain: conversations', () => {
  it('creates a conversation for a contact', async () => {
    const h = createHarness();
    const contactId = await h.contact({ email: 'grace@example.com', phone: '+12125550101' });
    const created = await h.call('create-conversation', { body: { locationId: LOCATION, contactId } });
    expect(created.status).toBe(201);
    expectValid(responseValidator('/conversations/', 'post', 201), created.body);
    expect(created.body.conversation).toMatchObject({ contactId, locationId: LOCATION, deleted: false });
  });

  it('answers a second create for the same contact with the live 400, without an id', async () => {
    const h = createHarness();
    const contactId = await h.contact({ email: 'grace@example.com', phone: '+12125550101' });
    await h.call('create-conversation', { body: { locationId: LOCATION, contactId } });
    const second = await h.call('create-conversation', { body: { locationId: LOCATION, contactId } });
    expect(second.status).toBe(400);
    expect(second.body).toEqual({
      statusCode: 400,
      message: `Conversation with the contact id:${contactId} already exists!`,
    });
  });

  /** A conversation of a new contact, created then deleted. */
  async function deletedConversation() {
    const h = createHarness();
    const contactId = await h.contact({ email: 'grace@example.com' });
    const { body } = await h.call('create-conversation', { body: { locationId: LOCATION, contactId } });
    const conversationId = body.conversation.id;
    const deleted = await h.call('delete-conversation', { params: { conversationId } });
    return { h, contactId, conversationId, deleted };
  }

  it('deletes a conversation, so get answers 404', async () => {
    const { h, conversationId, deleted } = await deletedConversation();
    expect(deleted).toEqual({ status: 200, body: { success: true } });
    const gone = await h.call('get-conversation', { params: { conversationId } });
    expect(gone).toEqual({ status: 404, body: { statusCode: 404, message: 'Conversation not found' } });
  });

  it('creates a new conversation for the contact of a deleted one', async () => {
    const { h, contactId, conversationId } = await deletedConversation();
    const again = await h.call('create-conversation', { body: { locationId: LOCATION, contactId } });
    expect(again.status).toBe(201);
    expect(again.body.conversation.id).not.toBe(conversationId);
  });

  it('gets the conversation of a phone contact with numeric type 1', async () => {
    const h = createHarness();
    const phoneContact = await h.contact({ email: 'p@example.com', phone: '+13125550102' });
    const a = await h.call('create-conversation', { body: { locationId: LOCATION, contactId: phoneContact } });
    const gotA = await h.call('get-conversation', { params: { conversationId: a.body.conversation.id } });
    expectValid(schemaValidator('GetConversationByIdResponse'), gotA.body);
    expect(gotA.body).toMatchObject({ type: 1, unreadCount: 0, inbox: true, deleted: false });
  });

  it('gets the conversation of an email-only contact with numeric type 2', async () => {
    const h = createHarness();
    const emailContact = await h.contact({ email: 'e@example.com' });
    const b = await h.call('create-conversation', { body: { locationId: LOCATION, contactId: emailContact } });
    const gotB = await h.call('get-conversation', { params: { conversationId: b.body.conversation.id } });
    expect(gotB.body.type).toBe(2);
  });

  /** A new conversation, then an update marking it starred with 3 unread. */
  async function starredWithThreeUnread() {
    const h = createHarness();
    const contactId = await h.contact({ email: 'u@example.com' });
    const { body } = await h.call('create-conversation', { body: { locationId: LOCATION, contactId } });
    const conversationId = body.conversation.id;
    const updated = await h.call('update-conversation', {
      params: { conversationId },
      body: { locationId: LOCATION, unreadCount: 3, starred: true },
    });
    return { h, contactId, conversationId, updated };
  }

  it('updates a conversation’s unread state (unreadCount, starred)', async () => {
    const { updated } = await starredWithThreeUnread();
    expect(updated.status).toBe(200);
    expectValid(schemaValidator('GetConversationSuccessfulResponse'), updated.body);
    expect(updated.body.conversation).toMatchObject({ unreadCount: 3, starred: true });
  });

  it('emits one ConversationUnreadUpdate per change of the unread state', async () => {
    const { h, contactId, conversationId } = await starredWithThreeUnread();
    expect(h.events).toEqual([
      {
        type: 'ConversationUnreadUpdate',
        locationId: LOCATION,
        id: conversationId,
        contactId,
        unreadCount: 3,
        inbox: true,
        starred: true,
        deleted: false,
      },
    ]);

    await h.call('update-conversation', {
      params: { conversationId },
      body: { locationId: LOCATION, feedback: 'positive' },
    });
    expect(h.events).toHaveLength(1);
  });

  it('answers 403 with the live body when the token’s location differs from the resource’s', async () => {
    const h = createHarness();
    const contactId = await h.contact({ email: 'x@example.com' });
    const { body } = await h.call('create-conversation', { body: { locationId: LOCATION, contactId } });
    const forbidden = {
      status: 403,
      body: { statusCode: 403, message: 'The token does not have access to this location', error: 'Forbidden' },
    };
    const params = { conversationId: body.conversation.id };
    expect(await h.call('get-conversation', { params, locationId: OTHER_LOCATION })).toEqual(forbidden);
    expect(await h.call('delete-conversation', { params, locationId: OTHER_LOCATION })).toEqual(forbidden);
    expect(
      await h.call('create-conversation', { body: { locationId: LOCATION, contactId }, locationId: OTHER_LOCATION }),
    ).toEqual(forbidden);
    expect(
      await h.call('search-conversation', { query: { locationId: LOCATION }, locationId: OTHER_LOCATION }),
    ).toEqual(forbidden);
    // A company token has no location at all.
    expect(await h.call('get-conversation', { params, locationId: null })).toEqual(forbidden);
  });

  it('answers 404 when creating a conversation for a contact of another location', async () => {
    const h = createHarness();
    const res = await h.call('create-conversation', { body: { locationId: LOCATION, contactId: 'nope' } });
    expect(res).toEqual({ status: 404, body: { statusCode: 404, message: 'Contact not found' } });
  });
});
