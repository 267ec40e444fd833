/**
 * GET /api/conversations/:id and /messages through the real console, sandbox and database: index reads,
 * keyset paging, sponsors kept to the sponsor channel, on-demand fetch and mirroring of what the index
 * lacks, and the audit trail naming the console user.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../../src/console/auth/roles.js';
import { type ConsoleApp, startConsoleApp } from '../../helpers/console-app.js';
import { DATABASE_KINDS } from '../../helpers/databases.js';

async function userId(harness: ConsoleApp, role: Role): Promise<string> {
  const row = await harness.deps.db
    .selectFrom('users')
    .select('id')
    .where('email', '=', harness.email(role))
    .executeTakeFirstOrThrow();
  return row.id;
}

async function callsBy(harness: ConsoleApp, actor: string): Promise<string[]> {
  const rows = await harness.deps.db
    .selectFrom('highlevel_calls')
    .select('operation_id')
    .where('actor', '=', actor)
    .orderBy('at')
    .execute();
  return rows.map((r) => r.operation_id);
}

/** Reads the sandbox directly (not through parley), as HighLevel's own API. */
async function sandboxGet(harness: ConsoleApp, path: string): Promise<unknown> {
  const { accessToken } = harness.sandbox.sandbox.issueToken({ locationId: harness.locationId });
  const response = await fetch(`${harness.sandbox.url}${path}`, {
    headers: { authorization: `Bearer ${accessToken}`, version: '2021-04-15' },
  });
  if (!response.ok) throw new Error(`sandbox ${path} answered ${response.status}`);
  return response.json();
}

/** The console's sponsor user answers for Acme (config `sponsor.sponsors`). */
const ACME_SPONSOR = { sponsor: { sponsors: [{ name: 'Acme', keyword: 'ACME', staff: ['sponsor@parley.test'] }] } };

describe.each(DATABASE_KINDS)('console conversation and message reads [%s]', (kind) => {
  let synced: ConsoleApp;
  let empty: ConsoleApp;
  let sponsorConversationId: string;
  let otherConversationId: string;
  let callMessageId: string;

  beforeAll(async () => {
    [synced, empty] = await Promise.all([
      startConsoleApp(kind, { attendees: 6, config: ACME_SPONSOR }),
      startConsoleApp(kind, { attendees: 3, sync: false }),
    ]);
    const call = await synced.deps.db
      .selectFrom('index_messages')
      .select(['message_id', 'conversation_id'])
      .where('type', '=', 'TYPE_CALL')
      .executeTakeFirstOrThrow();
    callMessageId = call.message_id;
    otherConversationId = call.conversation_id;
    const sponsor = await synced.deps.db
      .selectFrom('index_conversations')
      .select(['conversation_id', 'location_id'])
      .where('conversation_id', '!=', call.conversation_id)
      .orderBy('conversation_id')
      .executeTakeFirstOrThrow();
    sponsorConversationId = sponsor.conversation_id;
    await synced.deps.index.upsertConversation({
      conversationId: sponsorConversationId,
      locationId: sponsor.location_id,
      sponsor: true,
      updatedAt: Date.now() + 1000,
    });
    await synced.deps.index.joinSponsorChannel({
      conversationId: sponsorConversationId,
      locationId: sponsor.location_id,
      sponsors: ['acme'],
      messageId: null,
    });
  });
  afterAll(async () => {
    await synced?.close();
    await empty?.close();
  });

  it('answers a conversation from the index', async () => {
    const response = await synced.app.inject({
      url: `/api/conversations/${sponsorConversationId}`,
      headers: synced.auth('viewer'),
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ conversationId: sponsorConversationId, locationId: synced.locationId, sponsor: true });
    expect(body.contactEmail).toMatch(/@/);
    expect(typeof body.unreadCount).toBe('number');
  });

  it('pages messages newest first with a cursor that visits every message exactly once', async () => {
    const all = await synced.deps.db
      .selectFrom('index_messages')
      .select(['message_id', 'created_at'])
      .where('conversation_id', '=', otherConversationId)
      .orderBy('created_at', 'desc')
      .orderBy('message_id', 'desc')
      .execute();
    expect(all.length).toBeGreaterThanOrEqual(3);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `limit=2&cursor=${cursor}` : 'limit=2';
      const response = await synced.app.inject({
        url: `/api/conversations/${otherConversationId}/messages?${query}`,
        headers: synced.auth('agent'),
      });
      expect(response.statusCode).toBe(200);
      const page = response.json();
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((m: { messageId: string }) => m.messageId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.map((m) => m.message_id));
  });

  it('marks the call message as having a recording with a transcript', async () => {
    const response = await synced.app.inject({
      url: `/api/conversations/${otherConversationId}/messages?limit=100`,
      headers: synced.auth('viewer'),
    });
    const call = response.json().items.find((m: { messageId: string }) => m.messageId === callMessageId);
    expect(call).toMatchObject({ type: 'TYPE_CALL', hasRecording: true, hasTranscript: true });
  });

  it('gives a sponsor the messages of their sponsor-channel conversation', async () => {
    const own = await synced.app.inject({
      url: `/api/conversations/${sponsorConversationId}/messages`,
      headers: synced.auth('sponsor'),
    });
    expect(own.statusCode).toBe(200);
    expect(own.json().items.length).toBeGreaterThan(0);
  });

  it('answers a sponsor 403 for any other conversation, its messages or its call media', async () => {
    for (const url of [
      `/api/conversations/${otherConversationId}`,
      `/api/conversations/${otherConversationId}/messages`,
      `/api/messages/${callMessageId}/transcript`,
      `/api/messages/${callMessageId}/transcript/download`,
      `/api/messages/${callMessageId}/recording`,
      '/api/conversations/no-such-conversation',
    ]) {
      const response = await synced.app.inject({ url, headers: synced.auth('sponsor') });
      expect({ url, status: response.statusCode, error: response.json().error }).toEqual({
        url,
        status: 403,
        error: 'forbidden',
      });
    }
  });

  it('reads a conversation the index lacks through from HighLevel, as the user', async () => {
    const found = await sandboxGet(empty, `/conversations/search?locationId=${empty.locationId}&limit=1`);
    const conversation = (found as { conversations: { id: string; contactId: string }[] }).conversations[0];
    if (!conversation) throw new Error('the sandbox seeded no conversation');
    const before = await empty.deps.index.search({ locationId: empty.locationId, limit: 10 });
    expect(before.items).toEqual([]);

    const response = await empty.app.inject({
      url: `/api/conversations/${conversation.id}`,
      headers: empty.auth('agent'),
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ conversationId: conversation.id, contactId: conversation.contactId });
    expect(response.json().contactEmail).toMatch(/@/);

    const messages = await empty.app.inject({
      url: `/api/conversations/${conversation.id}/messages`,
      headers: empty.auth('agent'),
    });
    expect(messages.statusCode).toBe(200);
    const items = messages.json().items as { createdAt: number }[];
    expect(items.length).toBeGreaterThan(1);
    expect(items.map((m) => m.createdAt)).toEqual([...items.map((m) => m.createdAt)].sort((a, b) => b - a));

    const mirrored = await empty.deps.index.search({ locationId: empty.locationId, limit: 10 });
    expect(mirrored.items.map((i) => i.conversationId)).toEqual([conversation.id]);
    expect(mirrored.items[0]?.lastMessageAt).toBe(items[0]?.createdAt);

    const agent = `user:${await userId(empty, 'agent')}`;
    expect(await callsBy(empty, agent)).toEqual(['get-conversation', 'get-contact', 'get-messages']);
  });

  it('tells a failed HighLevel read as a sentence with the next step, never HighLevel’s own error text', async () => {
    const found = await sandboxGet(empty, `/conversations/search?locationId=${empty.locationId}&limit=3`);
    const ids = (found as { conversations: { id: string }[] }).conversations.map((c) => c.id);
    const unread = ids.at(-1);
    if (!unread) throw new Error('the sandbox seeded no conversation');
    empty.sandbox.sandbox.setFaults({ errorRate: 1 });
    try {
      const response = await empty.app.inject({ url: `/api/conversations/${unread}`, headers: empty.auth('agent') });
      expect(response.statusCode).toBe(502);
      const body = response.json();
      expect(body.error).toBe('upstream_failed');
      expect(body.upstream.status).toBeGreaterThanOrEqual(500);
      expect(body.message).toMatch(
        /^HighLevel did not answer properly, so parley could not load the conversation\. Try again/,
      );
      expect(body.upstream).not.toHaveProperty('messages');
    } finally {
      empty.sandbox.sandbox.setFaults({ errorRate: 0 });
    }
  });

  it('answers 404 for a conversation HighLevel does not have', async () => {
    const response = await empty.app.inject({
      url: '/api/conversations/doesNotExist123',
      headers: empty.auth('viewer'),
    });
    expect(response.statusCode).toBe(404);
    expect(response.json().error).toBe('not_found');
  });

  /** Asks for the call conversation's messages with `query`; expects a 400 naming `field`. */
  async function expectRefused(query: string, field: string) {
    const response = await synced.app.inject({
      url: `/api/conversations/${otherConversationId}/messages?${query}`,
      headers: synced.auth('viewer'),
    });
    expect({
      query,
      status: response.statusCode,
      error: response.json().error,
      field: response.json().field,
    }).toEqual({ query, status: 400, error: 'invalid_request', field });
  }

  it('rejects a messages cursor it did not issue, naming the field', async () => {
    await expectRefused('cursor=garbage', 'cursor');
  });

  it('rejects a messages limit outside 1-100, naming the field', async () => {
    for (const query of ['limit=0', 'limit=101', 'limit=ten']) await expectRefused(query, 'limit');
  });
});
