/**
 * Status changes only where HighLevel allows one, and HighLevel's refusals told as sentences, through
 * the real console, sandbox and database (both kinds): PUT /api/messages/{id}/status refuses an inbound
 * or a scheduled message before asking HighLevel; a refusal HighLevel makes itself comes back as a
 * sentence with the next step, not HighLevel's own words; a reply's attachments are listed with it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleApp, startConsoleApp } from '../../helpers/console-app.js';
import { DATABASE_KINDS } from '../../helpers/databases.js';
import { reachableConversations } from './reachable-conversations.js';

describe.each(DATABASE_KINDS)('message status rules and upstream sentences [%s]', (kind) => {
  let harness: ConsoleApp;
  let conversations: string[];

  beforeAll(async () => {
    harness = await startConsoleApp(kind, { attendees: 8 });
    ({ ids: conversations } = await reachableConversations(harness));
  });
  afterAll(async () => harness?.close());

  const statusCalls = async () =>
    (
      await harness.deps.db
        .selectFrom('highlevel_calls')
        .select('id')
        .where('operation_id', '=', 'update-message-status')
        .execute()
    ).length;
  const setStatus = (messageId: string, status: string) =>
    harness.app.inject({
      method: 'PUT',
      url: `/api/messages/${messageId}/status`,
      headers: harness.auth('agent'),
      payload: { status },
    });

  it('refuses a status for an inbound message with a sentence, without asking HighLevel', async () => {
    const inbound = await harness.deps.db
      .selectFrom('index_messages')
      .select('message_id')
      .where('direction', '=', 'inbound')
      .where('type', '!=', 'TYPE_CALL')
      .executeTakeFirstOrThrow();
    const before = await statusCalls();
    const response = await setStatus(inbound.message_id, 'read');
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'invalid_request', field: 'messageId' });
    expect(response.json().message).toMatch(/^Only messages sent to the attendee have a delivery status; .+\.$/);
    expect(await statusCalls()).toBe(before);
  });

  it('refuses a status for a scheduled message, saying to cancel it or wait until it has gone out', async () => {
    const id = conversations[0] as string;
    const scheduled = await harness.app.inject({
      method: 'POST',
      url: `/api/conversations/${id}/messages`,
      headers: harness.auth('agent'),
      payload: {
        type: 'SMS',
        message: 'Reminder: doors at nine',
        scheduledTimestamp: Math.floor(Date.now() / 1000) + 3600,
      },
    });
    expect(scheduled.statusCode).toBe(201);
    const before = await statusCalls();
    const response = await setStatus(scheduled.json().messageId, 'delivered');
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toContain('Cancel the scheduled send, or set the status once it has gone out.');
    expect(await statusCalls()).toBe(before);
  });

  it("tells HighLevel's refusal as a sentence with the next step, never in HighLevel's words", async () => {
    // The index believes the scheduled send went out (a stale copy); HighLevel still holds it back.
    const id = conversations[1] as string;
    const scheduled = await harness.app.inject({
      method: 'POST',
      url: `/api/conversations/${id}/messages`,
      headers: harness.auth('agent'),
      payload: { type: 'SMS', message: 'See you tomorrow', scheduledTimestamp: Math.floor(Date.now() / 1000) + 3600 },
    });
    const messageId = scheduled.json().messageId as string;
    await harness.deps.db
      .updateTable('index_messages')
      .set({ status: 'sent' })
      .where('message_id', '=', messageId)
      .execute();
    const response = await setStatus(messageId, 'delivered');
    expect(response.statusCode).toBe(502);
    const body = response.json();
    expect(body).toMatchObject({ error: 'upstream_failed', upstream: { status: 403 } });
    expect(body.message).toMatch(
      /^HighLevel refused to set the message's status: .+ Wait a few seconds and try again; /,
    );
    // The sandbox answers as HighLevel does: "Status changes are not allowed until the message is downstreamed…".
    expect(JSON.stringify(body)).not.toMatch(/downstreamed|not allowed/i);
  });

  it('lists the attachments a reply was sent with among the messages', async () => {
    const id = conversations[2] as string;
    const attachments = ['https://files.example.test/badge.png', 'https://files.example.test/agenda.pdf'];
    const sent = await harness.app.inject({
      method: 'POST',
      url: `/api/conversations/${id}/messages`,
      headers: harness.auth('agent'),
      payload: { type: 'SMS', message: 'Your badge and the agenda', attachments },
    });
    expect(sent.statusCode).toBe(201);
    const page = await harness.app.inject({
      url: `/api/conversations/${id}/messages?limit=5`,
      headers: harness.auth('viewer'),
    });
    const item = page.json().items.find((m: { messageId: string }) => m.messageId === sent.json().messageId);
    expect(item.attachments).toEqual(attachments);
  });
});
