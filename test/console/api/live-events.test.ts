/**
 * Live events as server-sent events over real HTTP, on both databases: GET /api/conversations/{id}/events
 * and GET /api/events stream what reaches the index, whoever wrote it (a row written straight to the
 * database, as another process would, is found by polling; a contact's reply in the HighLevel sandbox
 * arrives through the signed webhook and the worker), with the same access rules as reading the
 * conversation, heartbeats, an end when the caller's token is revoked, and an end on server shutdown.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../../src/console/auth/roles.js';
import { upsertConversationRow, upsertMessageRow } from '../../../src/search/index-rows.js';
import { DATABASE_KINDS } from '../../helpers/databases.js';
import { eventually, type ParleyWorld, startParleyWorld } from './parley-world.js';

interface Frame {
  event: string | null;
  data: unknown;
  comment: string | null;
}

interface Stream {
  status: number;
  contentType: string | null;
  frames: Frame[];
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  next(what: string, match: (frame: Frame) => boolean): Promise<Frame>;
  close(): void;
}

async function openStream(url: string, headers: Record<string, string>): Promise<Stream> {
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: { accept: 'text/event-stream', ...headers },
    signal: controller.signal,
  });
  const frames: Frame[] = [];
  const reader = response.body?.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const ended = (async () => {
    if (!reader) return;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let cut = buffer.indexOf('\n\n');
        while (cut >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const lines = block.split('\n');
          const event = lines.find((l) => l.startsWith('event: '))?.slice(7) ?? null;
          const data = lines.find((l) => l.startsWith('data: '))?.slice(6);
          const comment =
            lines
              .find((l) => l.startsWith(':'))
              ?.slice(1)
              .trim() ?? null;
          frames.push({ event, data: data === undefined ? null : JSON.parse(data), comment });
          cut = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // aborted by close()
    }
  })();
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    frames,
    ended,
    next: (what, match) => eventually(what, async () => frames.find(match), 15_000),
    close: () => controller.abort(),
  };
}

const dataOf = (frame: Frame) => frame.data as Record<string, any>;

describe.each(DATABASE_KINDS)('live events [%s]', (kind) => {
  let world: ParleyWorld;
  const open: Stream[] = [];
  const NOW = Date.now();

  async function stream(path: string, role: Role = 'agent'): Promise<Stream> {
    const opened = await openStream(`${world.url}${path}`, world.auth(role));
    open.push(opened);
    return opened;
  }

  async function seedConversation(conversationId: string): Promise<void> {
    await upsertConversationRow(world.deps.db, {
      conversationId,
      locationId: world.locationId,
      contactId: `contact-${conversationId}`,
      contactName: 'Live Tester',
      lastMessageAt: NOW - 60_000,
      updatedAt: NOW - 60_000,
    });
    await upsertMessageRow(world.deps.db, {
      messageId: `${conversationId}-welcome`,
      conversationId,
      locationId: world.locationId,
      direction: 'outbound',
      type: 'TYPE_SMS',
      status: 'sent',
      body: 'Welcome!',
      createdAt: NOW - 60_000,
      updatedAt: NOW - 60_000,
    });
  }

  beforeAll(async () => {
    world = await startParleyWorld(kind, {
      attendees: 2,
      highlevelWebhooks: true,
      liveEvents: { pollMs: 100, heartbeatMs: 300 },
    });
    for (const id of ['conv-live-a', 'conv-live-b', 'conv-live-c']) await seedConversation(id);
  });
  afterAll(async () => {
    for (const s of open) s.close();
    await world?.close().catch(() => undefined);
  });

  it('answers a request that does not accept text/event-stream with 400 naming accept', async () => {
    const response = await world.app.inject({
      url: '/api/conversations/conv-live-a/events',
      headers: world.auth('viewer'),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'invalid_request', field: 'accept' });
  });

  it('refuses a caller exactly as reading the conversation does (a sponsor outside their channel)', async () => {
    const read = await world.app.inject({ url: '/api/conversations/conv-live-a', headers: world.auth('sponsor') });
    const events = await world.app.inject({
      url: '/api/conversations/conv-live-a/events',
      headers: { ...world.auth('sponsor'), accept: 'text/event-stream' },
    });
    expect([401, 403, 404]).toContain(read.statusCode);
    expect(events.statusCode).toBe(read.statusCode);
    expect(events.json()).toEqual(read.json());
    const unauthenticated = await fetch(`${world.url}/api/conversations/conv-live-a/events`, {
      headers: { accept: 'text/event-stream' },
    });
    expect(unauthenticated.status).toBe(401);
  });

  it('streams a message another process wrote to the index, found by polling', async () => {
    const events = await stream('/api/conversations/conv-live-a/events');
    expect(events.status).toBe(200);
    expect(events.contentType).toBe('text/event-stream; charset=utf-8');
    await events.next('ready', (f) => f.event === 'ready');
    // Straight to the database: no in-process notice, as when the worker runs in another process.
    await upsertMessageRow(world.deps.db, {
      messageId: 'msg-live-a-1',
      conversationId: 'conv-live-a',
      locationId: world.locationId,
      direction: 'inbound',
      type: 'TYPE_SMS',
      status: 'delivered',
      body: 'Is lunch included?',
      createdAt: Date.now(),
      updatedAt: Date.now(),
    });
    const message = await events.next('the new message', (f) => f.event === 'message');
    expect(dataOf(message)).toMatchObject({
      conversationId: 'conv-live-a',
      message: { messageId: 'msg-live-a-1', direction: 'inbound', body: 'Is lunch included?' },
    });
    // The message the page already showed is not announced again.
    expect(events.frames.filter((f) => f.event === 'message')).toHaveLength(1);
  });

  it('streams a status change of a message', async () => {
    const events = await stream('/api/conversations/conv-live-b/events');
    await events.next('ready', (f) => f.event === 'ready');
    await upsertMessageRow(world.deps.db, {
      messageId: 'conv-live-b-welcome',
      conversationId: 'conv-live-b',
      locationId: world.locationId,
      status: 'delivered',
      createdAt: NOW - 60_000,
      updatedAt: Date.now(),
    });
    const status = await events.next('the status change', (f) => f.event === 'status');
    expect(dataOf(status)).toEqual({
      type: 'status',
      conversationId: 'conv-live-b',
      messageId: 'conv-live-b-welcome',
      status: 'delivered',
    });
  });

  /** Opens the stream of a sandbox conversation, then has its contact reply in HighLevel. */
  async function contactRepliesWhileStreaming() {
    const state = world.sandbox.sandbox.domain!.state;
    const conversation = [...state.conversations.inLocation(world.locationId)][0];
    if (!conversation) throw new Error('the sandbox location has no conversation');
    const events = await stream(`/api/conversations/${conversation.id}/events`);
    await events.next('ready', (f) => f.event === 'ready');
    const { messageId } = world.sandbox.sandbox.replyAsContact({
      conversationId: conversation.id,
      message: 'Running ten minutes late',
    });
    return { events, messageId };
  }

  it("streams a contact's reply sent in HighLevel once the worker has processed its signed webhook", async () => {
    const { events, messageId } = await contactRepliesWhileStreaming();
    const message = await events.next('the reply', (f) => f.event === 'message');
    expect(dataOf(message).message).toMatchObject({
      messageId,
      direction: 'inbound',
      body: 'Running ten minutes late',
    });
  });

  it("streams the unread count a contact's reply raises", async () => {
    const { events } = await contactRepliesWhileStreaming();
    const update = await events.next('the unread count', (f) => f.event === 'conversation');
    expect(dataOf(update).unreadCount).toBeGreaterThan(0);
  });

  it('streams changes of the listed conversations only, on GET /api/events', async () => {
    const events = await stream('/api/events?conversationId=conv-live-c&conversationId=conv-live-a');
    await events.next('ready', (f) => f.event === 'ready');
    await upsertConversationRow(world.deps.db, {
      conversationId: 'conv-live-c',
      locationId: world.locationId,
      starred: true,
      updatedAt: Date.now(),
    });
    const changed = await events.next('the starred change', (f) => f.event === 'conversation');
    expect(dataOf(changed)).toMatchObject({ conversationId: 'conv-live-c', starred: true });
    const outside = await world.app.inject({
      url: '/api/events?conversationId=conv-live-c&conversationId=no-such-conversation',
      headers: { ...world.auth('viewer'), accept: 'text/event-stream' },
    });
    expect(outside.statusCode).toBe(404);
  });

  it('sends heartbeats while nothing changes', async () => {
    const events = await stream('/api/conversations/conv-live-c/events', 'viewer');
    await events.next('a heartbeat', (f) => f.comment === 'heartbeat');
  });

  it("ends the stream once the caller's token is revoked", async () => {
    const events = await stream('/api/conversations/conv-live-c/events', 'admin');
    await events.next('ready', (f) => f.event === 'ready');
    await world.deps.db
      .updateTable('api_tokens')
      .set({ revoked_at: Date.now() })
      .where('user_id', '=', (await userId('admin')).id)
      .execute();
    await events.ended;
    expect(events.frames.at(-1)?.event).not.toBe('message');
  });

  it('ends every open stream when the server closes, so the close completes', async () => {
    const events = await stream('/api/conversations/conv-live-a/events', 'viewer');
    await events.next('ready', (f) => f.event === 'ready');
    await world.app.close();
    await events.ended;
  });

  function userId(role: Role) {
    return world.deps.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', world.email(role))
      .executeTakeFirstOrThrow();
  }
});
