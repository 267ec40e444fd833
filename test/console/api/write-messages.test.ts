/**
 * The console's message writes through the real console, sandbox and database (both kinds): replies
 * (now and scheduled), cancelling a scheduled message and email, inbound provider messages, status
 * updates, attachment upload, the ambiguous-send answer, and the audit trail naming the user.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../../src/console/auth/roles.js';
import type { SandboxState } from '../../../src/sandbox/highlevel/state/sandbox-state.js';
import { type ConsoleApp, startConsoleApp } from '../../helpers/console-app.js';
import { DATABASE_KINDS } from '../../helpers/databases.js';
import { reachableConversations } from './reachable-conversations.js';

async function userId(harness: ConsoleApp, role: Role): Promise<string> {
  const row = await harness.deps.db
    .selectFrom('users')
    .select('id')
    .where('email', '=', harness.email(role))
    .executeTakeFirstOrThrow();
  return row.id;
}

async function indexedMessage(harness: ConsoleApp, messageId: string) {
  return harness.deps.db
    .selectFrom('index_messages')
    .selectAll()
    .where('message_id', '=', messageId)
    .executeTakeFirst();
}

async function indexedConversation(harness: ConsoleApp, conversationId: string) {
  return harness.deps.db
    .selectFrom('index_conversations')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .executeTakeFirstOrThrow();
}

const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;

describe.each(DATABASE_KINDS)('console message writes [%s]', (kind) => {
  let harness: ConsoleApp;
  let state: SandboxState;
  let conversations: string[];

  beforeAll(async () => {
    harness = await startConsoleApp(kind, { attendees: 16 });
    ({ state, ids: conversations } = await reachableConversations(harness));
  });
  afterAll(async () => harness?.close());

  const conversation = (n: number) => conversations[n] as string;
  const post = (role: Role, url: string, payload: Record<string, unknown>) =>
    harness.app.inject({ method: 'POST', url, headers: harness.auth(role), payload });

  // One reply, sent once: the audit test counts every send this console made.
  describe('a reply sent now', () => {
    let id: string;
    let response: Awaited<ReturnType<typeof post>>;
    beforeAll(async () => {
      id = conversation(0);
      response = await post('agent', `/api/conversations/${id}/messages`, {
        type: 'SMS',
        message: 'See you at booth 12',
      });
    });

    it('sends a reply that lands in HighLevel', async () => {
      expect(response.statusCode).toBe(201);
      const body = response.json();
      expect(body).toMatchObject({ conversationId: id, status: 'delivered', scheduledAt: null });
      const sent = state.messages.get(body.messageId);
      expect(sent).toMatchObject({ conversationId: id, direction: 'outbound', body: 'See you at booth 12' });
    });

    it('stores a sent reply in the index as the last message', async () => {
      const body = response.json();
      expect(await indexedMessage(harness, body.messageId)).toMatchObject({
        conversation_id: id,
        direction: 'outbound',
        type: 'TYPE_SMS',
        status: 'delivered',
        body: 'See you at booth 12',
      });
      expect((await indexedConversation(harness, id)).last_message_body).toBe('See you at booth 12');
    });

    it('audits a sent reply as the user', async () => {
      const audit = await harness.deps.db
        .selectFrom('highlevel_calls')
        .select('actor')
        .where('operation_id', '=', 'send-a-new-message')
        .execute();
      expect(audit.map((r) => r.actor)).toEqual([`user:${await userId(harness, 'agent')}`]);
    });
  });

  /** Schedules an SMS reply in conversation 1 an hour from now. */
  const scheduleReply = () =>
    post('agent', `/api/conversations/${conversation(1)}/messages`, {
      type: 'SMS',
      message: 'Doors open at 9',
      scheduledTimestamp: inAnHour(),
    });
  const cancelSchedule = (messageId: string) =>
    harness.app.inject({
      method: 'DELETE',
      url: `/api/messages/${messageId}/schedule`,
      headers: harness.auth('agent'),
    });

  it('schedules a reply, leaving it out of the last message until it is sent', async () => {
    const id = conversation(1);
    const before = (await indexedConversation(harness, id)).last_message_at;
    const sent = await scheduleReply();
    expect([sent.statusCode, sent.body]).toEqual([201, expect.any(String)]);
    const { messageId, scheduledAt } = sent.json();
    expect(scheduledAt).toBeGreaterThan(Date.now());
    expect(state.messages.get(messageId)?.status).toBe('scheduled');
    expect((await indexedMessage(harness, messageId))?.status).toBe('scheduled');
    // Not sent yet, so it is not the conversation's last message.
    expect((await indexedConversation(harness, id)).last_message_at).toBe(before);
  });

  it('cancels a scheduled reply, in HighLevel as in the index', async () => {
    const { messageId } = (await scheduleReply()).json();
    const cancelled = await cancelSchedule(messageId);
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json()).toEqual({ messageId, conversationId: conversation(1), status: 'cancelled' });
    expect(state.messages.get(messageId)?.status).toBe('cancelled');
    expect((await indexedMessage(harness, messageId))?.status).toBe('cancelled');
  });

  it('refuses a second cancel with a sentence the agent can act on', async () => {
    const { messageId } = (await scheduleReply()).json();
    await cancelSchedule(messageId);
    const again = await cancelSchedule(messageId);
    expect(again.statusCode).toBe(400);
    expect(again.json()).toMatchObject({ error: 'invalid_request' });
    // Said as a sentence the agent can act on, not HighLevel's "Failed cancel the scheduled message".
    expect(again.json().message).toBe(
      'This message is not scheduled (its status is "cancelled"), so there is no scheduled send to cancel.',
    );
  });

  it('cancels a scheduled email by its email message id', async () => {
    const id = conversation(2);
    const sent = await post('admin', `/api/conversations/${id}/messages`, {
      type: 'Email',
      subject: 'Your badge',
      html: '<p>Bring your badge</p>',
      scheduledTimestamp: inAnHour(),
    });
    expect(sent.statusCode).toBe(201);
    const { messageId, emailMessageId } = sent.json();
    expect(typeof emailMessageId).toBe('string');

    const cancelled = await harness.app.inject({
      method: 'DELETE',
      url: `/api/emails/${emailMessageId}/schedule`,
      headers: harness.auth('admin'),
    });
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json()).toEqual({ emailMessageId, conversationId: id, status: 'cancelled' });
    expect(state.messages.get(messageId)?.status).toBe('cancelled');
    expect((await indexedMessage(harness, messageId))?.status).toBe('cancelled');
  });

  it('cancels a scheduled email from its message id too, finding the email id on HighLevel', async () => {
    const id = conversation(2);
    const sent = await post('agent', `/api/conversations/${id}/messages`, {
      type: 'Email',
      subject: 'Doors open at nine',
      html: '<p>See you there</p>',
      scheduledTimestamp: inAnHour(),
    });
    expect(sent.statusCode).toBe(201);
    const { messageId } = sent.json();
    const cancelled = await harness.app.inject({
      method: 'DELETE',
      url: `/api/messages/${messageId}/schedule`,
      headers: harness.auth('agent'),
    });
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json()).toEqual({ messageId, conversationId: id, status: 'cancelled' });
    expect(state.messages.get(messageId)?.status).toBe('cancelled');
    const calls = await harness.deps.db
      .selectFrom('highlevel_calls')
      .select('operation_id')
      .where('operation_id', 'in', ['get-message', 'cancel-scheduled-email-message', 'cancel-scheduled-message'])
      .orderBy('at', 'desc')
      .limit(2)
      .execute();
    expect(calls.map((c) => c.operation_id).sort()).toEqual(['cancel-scheduled-email-message', 'get-message']);
  });

  /** Adds an inbound provider message to conversation 3; answers the response and the unread count before. */
  async function addInbound() {
    const id = conversation(3);
    const unreadBefore = (await indexedConversation(harness, id)).unread_count;
    const response = await post('agent', `/api/conversations/${id}/inbound`, {
      type: 'Custom',
      conversationProviderId: 'provider-1',
      message: 'Is parking free?',
    });
    return { id, unreadBefore, response };
  }

  it('adds an inbound provider message to HighLevel', async () => {
    const { response } = await addInbound();
    expect(response.statusCode).toBe(201);
    const { messageId } = response.json();
    expect(state.messages.get(messageId)).toMatchObject({
      direction: 'inbound',
      conversationProviderId: 'provider-1',
      body: 'Is parking free?',
    });
  });

  it('stores an inbound provider message in the index as the last message', async () => {
    const { id, response } = await addInbound();
    const { messageId } = response.json();
    expect(await indexedMessage(harness, messageId)).toMatchObject({ direction: 'inbound', body: 'Is parking free?' });
    expect((await indexedConversation(harness, id)).last_message_body).toBe('Is parking free?');
  });

  it('counts an inbound provider message unread', async () => {
    const { id, unreadBefore } = await addInbound();
    const row = await indexedConversation(harness, id);
    expect(Number(row.unread_count)).toBe(Number(unreadBefore) + 1);
  });

  it("updates an outbound message's status in HighLevel, mirrored in the index", async () => {
    const id = conversation(4);
    const sent = await post('agent', `/api/conversations/${id}/messages`, { type: 'SMS', message: 'Ticket attached' });
    const { messageId } = sent.json();
    const response = await harness.app.inject({
      method: 'PUT',
      url: `/api/messages/${messageId}/status`,
      headers: harness.auth('agent'),
      payload: { status: 'failed', error: { code: '30003', type: 'saas', message: 'Unreachable handset' } },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ messageId, conversationId: id, status: 'failed' });
    expect(state.messages.get(messageId)).toMatchObject({ status: 'failed', error: { code: '30003' } });
    expect((await indexedMessage(harness, messageId))?.status).toBe('failed');
  });

  it('answers the URLs of a multipart file uploaded to HighLevel', async () => {
    const base = await harness.listen();
    const form = new FormData();
    form.append('file', new Blob(['agenda text'], { type: 'text/plain' }), 'agenda.txt');
    const response = await fetch(`${base}/api/conversations/${conversation(5)}/attachments`, {
      method: 'POST',
      headers: harness.auth('agent'),
      body: form,
    });
    expect(response.status).toBe(200);
    const { urls } = (await response.json()) as { urls: string[] };
    expect(urls).toHaveLength(1);
    const fileId = /\/([^/]+)\/agenda\.txt$/.exec(urls[0] ?? '')?.[1] ?? '';
    expect(state.files.getFile(fileId)?.data.toString()).toBe('agenda text');
  });

  it('refuses an upload without the file field, naming it', async () => {
    const base = await harness.listen();
    const form = new FormData();
    form.append('other', 'x');
    const response = await fetch(`${base}/api/conversations/${conversation(5)}/attachments`, {
      method: 'POST',
      headers: harness.auth('agent'),
      body: form,
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_request', field: 'file' });
  });

  it('refuses a file over 5 MB, naming the field, without calling HighLevel', async () => {
    const base = await harness.listen();
    const filesBefore = state.files.size;
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(5 * 1024 * 1024 + 1)], { type: 'application/pdf' }), 'big.pdf');
    const response = await fetch(`${base}/api/conversations/${conversation(5)}/attachments`, {
      method: 'POST',
      headers: harness.auth('agent'),
      body: form,
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_request', field: 'file' });
    expect(state.files.size).toBe(filesBefore);
  });

  // One failing send: the resend test counts every failed send this console made.
  describe('a send that failed after leaving', () => {
    let id: string;
    let before: number;
    let response: Awaited<ReturnType<typeof post>>;
    beforeAll(async () => {
      id = conversation(6);
      before = state.messages.thread(id).length;
      harness.sandbox.sandbox.setFaults({ errorRate: 1 });
      try {
        response = await post('agent', `/api/conversations/${id}/messages`, { type: 'SMS', message: 'Hi' });
      } finally {
        harness.sandbox.sandbox.setFaults({ errorRate: 0 });
      }
    });

    it('answers a send that failed after leaving with 502 marked ambiguous', async () => {
      expect(response.statusCode).toBe(502);
      expect(response.json()).toMatchObject({ error: 'upstream_failed', upstream: { ambiguous: true } });
    });

    it('does not resend a send that failed after leaving', async () => {
      const attempts = await harness.deps.db
        .selectFrom('highlevel_calls')
        .select('status')
        .where('operation_id', '=', 'send-a-new-message')
        .where('status', '>=', 500)
        .execute();
      expect(attempts).toHaveLength(1);
      expect(state.messages.thread(id).length).toBe(before);
    });
  });
});
