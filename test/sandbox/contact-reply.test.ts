/**
 * A contact writing back in the HighLevel sandbox (POST /sandbox/conversations/:id/replies): an inbound
 * message on the channel of the conversation's latest message, the unread count up by one, and the
 * InboundMessage webhook delivered signed with the sandbox's published keys, as a real reply would be.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyHighLevelSignature } from '../../src/intake/highlevel/verify-signature.js';
import { fetchSandboxWebhookKeys } from '../../src/intake/highlevel/webhook-keys.js';
import type { SandboxState } from '../../src/sandbox/highlevel/state/sandbox-state.js';
import { readJson, type SandboxHandle, withSandbox } from '../helpers/sandbox.js';

interface Received {
  body: Buffer;
  headers: Record<string, string | string[] | undefined>;
}

let handle: SandboxHandle | undefined;
let receiver: Server | undefined;

afterEach(async () => {
  await handle?.close();
  await new Promise((resolve) => (receiver ? receiver.close(resolve) : resolve(undefined)));
  handle = undefined;
  receiver = undefined;
});

async function startReceiver(): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ body: Buffer.concat(chunks), headers: req.headers });
      res.end();
    });
  });
  await new Promise<void>((resolve) => receiver!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/highlevel`, received };
}

function conversationWhoseLatestIs(state: SandboxState, locationId: string, type: 'TYPE_SMS' | 'TYPE_EMAIL') {
  for (const conversation of state.conversations.inLocation(locationId)) {
    const thread = state.messages.thread(conversation.id);
    const latest = [...thread].sort((a, b) => a.dateAdded - b.dateAdded || a.seq - b.seq).pop();
    if (latest?.messageType === type) return { conversation, latest };
  }
  throw new Error(`no seeded conversation ends with ${type}`);
}

async function reply(conversationId: string, body: unknown): Promise<Response> {
  return fetch(`${handle!.url}/sandbox/conversations/${conversationId}/replies`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('a contact replies in the sandbox', () => {
  /** The contact of a seeded SMS thread replies "2 please"; the sandbox delivers webhooks to a receiver. */
  async function smsReply() {
    const hook = await startReceiver();
    handle = await withSandbox({ attendees: 6, webhookUrl: hook.url });
    const state = handle.sandbox.domain!.state;
    const locationId = handle.sandbox.defaultLocationId;
    const { conversation } = conversationWhoseLatestIs(state, locationId, 'TYPE_SMS');
    const unreadBefore = conversation.unreadCount;
    const res = await reply(conversation.id, { message: '2 please' });
    expect(res.status).toBe(200);
    const answer = await readJson(res);
    return { sandbox: handle.sandbox, url: handle.url, hook, state, locationId, conversation, unreadBefore, answer };
  }

  it('adds an inbound SMS from the contact', async () => {
    const { state, locationId, conversation, unreadBefore, answer } = await smsReply();
    expect(answer).toEqual({
      messageId: expect.any(String),
      conversationId: conversation.id,
      contactId: conversation.contactId,
      locationId,
      type: 'SMS',
    });
    const stored = state.messages.get(answer.messageId);
    expect(stored).toMatchObject({ direction: 'inbound', messageType: 'TYPE_SMS', body: '2 please' });
    expect(stored?.fromNumber).toBe(state.contacts.get(conversation.contactId)?.phone);
    expect(conversation.unreadCount).toBe(unreadBefore + 1);
  });

  it('delivers the reply’s webhooks, the InboundMessage signed with the sandbox keys', async () => {
    const { sandbox, url, hook, locationId, conversation, answer } = await smsReply();
    await sandbox.webhooks.flush();
    const keys = await fetchSandboxWebhookKeys(url);
    const events = hook.received.map((r) => ({ ...r, event: JSON.parse(r.body.toString('utf8')) }));
    const inbound = events.find((e) => e.event.type === 'InboundMessage');
    expect(inbound?.event).toMatchObject({
      locationId,
      conversationId: conversation.id,
      contactId: conversation.contactId,
      messageId: answer.messageId,
      body: '2 please',
      direction: 'inbound',
      messageType: 'SMS',
      appId: sandbox.appId,
    });
    expect(verifyHighLevelSignature({ rawBody: inbound!.body, headers: inbound!.headers, keys }).ok).toBe(true);
    expect(events.map((e) => e.event.type)).toContain('ConversationUnreadUpdate');
  });

  it('answers an email thread by email, in the same thread with a Re: subject', async () => {
    handle = await withSandbox({ attendees: 8 });
    const state = handle.sandbox.domain!.state;
    const { conversation, latest } = conversationWhoseLatestIs(state, handle.sandbox.defaultLocationId, 'TYPE_EMAIL');

    const answer = handle.sandbox.replyAsContact({ conversationId: conversation.id, message: 'Keynote, thanks' });
    expect(answer.type).toBe('Email');
    const stored = state.messages.get(answer.messageId);
    expect(stored?.email?.threadId).toBe(latest.email?.threadId);
    expect(stored?.email?.from).toBe(state.contacts.get(conversation.contactId)?.email);
    // Seeded email threads are about the registration; a reply keeps one "Re:".
    expect(stored?.email?.subject).toBe('Re: Your Spring Summit registration');
    expect(latest.email?.subject).toMatch(/Your Spring Summit registration$/);
  });

  /** A sandbox of two attendees: its state, its first conversation and how many messages it holds. */
  async function twoAttendees() {
    handle = await withSandbox({ attendees: 2 });
    const state = handle.sandbox.domain!.state;
    const [conversation] = state.conversations.inLocation(handle.sandbox.defaultLocationId);
    return { state, conversation: conversation!, before: state.messages.size };
  }

  it('answers 404 naming an unknown conversation, adding nothing', async () => {
    const { state, before } = await twoAttendees();
    const missing = await reply('nope123', { message: 'hi' });
    expect(missing.status).toBe(404);
    expect((await readJson(missing)).message).toContain('conversationId nope123');
    expect(state.messages.size).toBe(before);
  });

  it('answers 400 naming an empty message, adding nothing', async () => {
    const { state, conversation, before } = await twoAttendees();
    const empty = await reply(conversation.id, { message: ' ' });
    expect(empty.status).toBe(400);
    expect((await readJson(empty)).message).toContain('message must be');
    expect(state.messages.size).toBe(before);
  });

  it('names a reply type other than SMS or Email, adding nothing', async () => {
    const { state, conversation, before } = await twoAttendees();
    const badType = await reply(conversation.id, { message: 'hi', type: 'Fax' });
    expect((await readJson(badType)).message).toContain('type must be SMS or Email, got Fax');
    expect(state.messages.size).toBe(before);
  });
});
