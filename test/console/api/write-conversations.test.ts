/**
 * The console's conversation writes and the rules every write obeys, through the real console, sandbox
 * and database (both kinds): star/unread reflected in search at once, delete (admin only) from HighLevel
 * and the index, sponsors kept to the sponsor channel, CSRF for cookie sessions, fields named in 400s.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../../src/console/auth/roles.js';
import type { SandboxState } from '../../../src/sandbox/highlevel/state/sandbox-state.js';
import { CONSOLE_PASSWORD, type ConsoleApp, startConsoleApp } from '../../helpers/console-app.js';
import { DATABASE_KINDS } from '../../helpers/databases.js';
import { reachableConversations } from './reachable-conversations.js';

describe.each(DATABASE_KINDS)('console conversation writes [%s]', (kind) => {
  let harness: ConsoleApp;
  let state: SandboxState;
  let conversations: string[];

  beforeAll(async () => {
    // The console's sponsor user answers for Acme.
    harness = await startConsoleApp(kind, {
      attendees: 16,
      config: { sponsor: { sponsors: [{ name: 'Acme', keyword: 'ACME', staff: ['sponsor@parley.test'] }] } },
    });
    ({ state, ids: conversations } = await reachableConversations(harness));
  });
  afterAll(async () => harness?.close());

  const conversation = (n: number) => conversations[n] as string;
  const send = (role: Role, method: 'PATCH' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) =>
    harness.app.inject({ method, url, headers: harness.auth(role), ...(payload ? { payload } : {}) });
  const search = async (status: string) => {
    const response = await harness.app.inject({
      url: `/api/conversations?status=${status}&limit=100`,
      headers: harness.auth('viewer'),
    });
    expect(response.statusCode).toBe(200);
    return (response.json().items as { conversationId: string }[]).map((c) => c.conversationId);
  };

  /**
   * The k-th conversation not starred yet, from those no other test here writes to (0-6), so each star
   * test has a conversation of its own.
   */
  const unstarred = (k: number) =>
    conversations.slice(7).filter((c) => state.conversations.get(c)?.starred === false)[k] as string;

  /** Stars the k-th unstarred conversation and marks it unread in one PATCH. */
  async function starAndMarkUnread(k: number) {
    const id = unstarred(k);
    expect(await search('starred')).not.toContain(id);
    const response = await send('agent', 'PATCH', `/api/conversations/${id}`, { starred: true, unread: true });
    return { id, response };
  }

  /** Stars the k-th unstarred conversation and marks it unread, then takes both back in one PATCH. */
  async function starThenTakeBack(k: number) {
    const { id } = await starAndMarkUnread(k);
    const read = await send('agent', 'PATCH', `/api/conversations/${id}`, { unread: false, starred: false });
    return { id, read };
  }

  it('stars a conversation in HighLevel, at once visible in /api/conversations', async () => {
    const { id, response } = await starAndMarkUnread(0);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ conversationId: id, starred: true });
    expect(state.conversations.get(id)).toMatchObject({ starred: true });
    expect(await search('starred')).toContain(id);
  });

  it('marks a conversation unread, at once visible in /api/conversations', async () => {
    const { id, response } = await starAndMarkUnread(1);
    expect(response.json().unreadCount).toBeGreaterThan(0);
    expect(await search('unread')).toContain(id);
  });

  it('marks a conversation read again in HighLevel, at once visible in /api/conversations', async () => {
    const { id, read } = await starThenTakeBack(2);
    expect(read.json()).toMatchObject({ unreadCount: 0 });
    expect(state.conversations.get(id)).toMatchObject({ unreadCount: 0 });
    expect(await search('read')).toContain(id);
  });

  it('unstars a conversation in HighLevel, at once visible in /api/conversations', async () => {
    const { id, read } = await starThenTakeBack(3);
    expect(read.json()).toMatchObject({ starred: false });
    expect(state.conversations.get(id)).toMatchObject({ starred: false });
    expect(await search('starred')).not.toContain(id);
  });

  it('refuses an agent’s delete with 403', async () => {
    const id = conversation(6);
    const refused = await send('agent', 'DELETE', `/api/conversations/${id}`);
    expect(refused.statusCode).toBe(403);
    expect(state.conversations.get(id)).toBeDefined();
  });

  it('deletes a conversation for an admin, from HighLevel as from the index', async () => {
    const id = conversation(1);
    const deleted = await send('admin', 'DELETE', `/api/conversations/${id}`);
    expect(deleted.statusCode).toBe(204);
    expect(state.conversations.get(id)).toBeUndefined();
    const rows = await harness.deps.db
      .selectFrom('index_messages')
      .select('message_id')
      .where('conversation_id', '=', id)
      .execute();
    expect(rows).toEqual([]);
    expect(await search('read')).not.toContain(id);
    expect(await search('unread')).not.toContain(id);
  });

  it('answers a sponsor 403 for every write outside their sponsor’s channel', async () => {
    const other = conversation(2);
    const message = state.messages.thread(other)[0]?.id ?? 'none';
    const scheduled = await send('agent', 'POST', `/api/conversations/${other}/messages`, {
      type: 'Email',
      message: 'Agenda tomorrow',
      scheduledTimestamp: Math.floor(Date.now() / 1000) + 3600,
    });
    const email = scheduled.json().emailMessageId as string;
    const starredBefore = state.conversations.get(other)?.starred;
    const threadBefore = state.messages.thread(other).length;
    const attempts: [string, 'PATCH' | 'POST' | 'PUT' | 'DELETE', object?][] = [
      [`/api/conversations/${other}`, 'PATCH', { starred: true }],
      [`/api/conversations/${other}/messages`, 'POST', { type: 'SMS', message: 'hi' }],
      [`/api/conversations/${other}/inbound`, 'POST', { type: 'SMS', conversationProviderId: 'p', message: 'hi' }],
      [`/api/messages/${message}/status`, 'PUT', { status: 'read' }],
      [`/api/messages/${message}/schedule`, 'DELETE'],
      [`/api/emails/${email}/schedule`, 'DELETE'],
    ];
    for (const [url, method, payload] of attempts) {
      const response = await send('sponsor', method, url, payload);
      expect([url, response.statusCode, response.json().error]).toEqual([url, 403, 'forbidden']);
    }
    const upload = new FormData();
    upload.append('file', new Blob(['x'], { type: 'text/plain' }), 'x.txt');
    const base = await harness.listen();
    const uploaded = await fetch(`${base}/api/conversations/${other}/attachments`, {
      method: 'POST',
      headers: harness.auth('sponsor'),
      body: upload,
    });
    expect(uploaded.status).toBe(403);
    expect(state.conversations.get(other)?.starred).toBe(starredBefore);
    expect(state.messages.thread(other).length).toBe(threadBefore);
    expect(state.messages.getByEmailId(email)?.status).toBe('scheduled');
  });

  it('refuses a sponsor’s reply in the channel of another sponsor', async () => {
    const someoneElses = conversation(5);
    await harness.deps.index.joinSponsorChannel({
      conversationId: someoneElses,
      locationId: harness.locationId,
      sponsors: ['globex'],
      messageId: null,
    });
    const refused = await send('sponsor', 'POST', `/api/conversations/${someoneElses}/messages`, {
      type: 'SMS',
      message: 'Sponsor here',
    });
    expect([refused.statusCode, refused.json().error]).toEqual([403, 'forbidden']);
  });

  it('lets a sponsor reply inside their sponsor’s channel', async () => {
    const channel = conversation(3);
    await harness.deps.index.joinSponsorChannel({
      conversationId: channel,
      locationId: harness.locationId,
      sponsors: ['acme'],
      messageId: null,
    });
    const reply = await send('sponsor', 'POST', `/api/conversations/${channel}/messages`, {
      type: 'SMS',
      message: 'Sponsor here',
    });
    expect(reply.statusCode).toBe(201);
    expect(state.messages.thread(channel).some((m) => m.body === 'Sponsor here' && m.direction === 'outbound')).toBe(
      true,
    );
  });

  it('refuses a cookie-session write without x-csrf-token with 403 csrf_failed', async () => {
    const login = await harness.app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { email: harness.email('agent'), password: CONSOLE_PASSWORD },
    });
    const cookie = String(login.headers['set-cookie']).split(';')[0] ?? '';
    const url = `/api/conversations/${conversation(4)}`;
    const refused = await harness.app.inject({ method: 'PATCH', url, headers: { cookie }, payload: { starred: true } });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error).toBe('csrf_failed');
    const csrf = login.json().csrfToken as string;
    const allowed = await harness.app.inject({
      method: 'PATCH',
      url,
      headers: { cookie, 'x-csrf-token': csrf },
      payload: { starred: true },
    });
    expect(allowed.statusCode).toBe(200);
  });

  it('answers bad bodies with 400 invalid_request naming the field', async () => {
    const id = conversation(5);
    const cases: [string, 'PATCH' | 'POST' | 'PUT', object, string][] = [
      [`/api/conversations/${id}`, 'PATCH', {}, 'unread'],
      [`/api/conversations/${id}`, 'PATCH', { starred: 'maybe' }, 'starred'],
      [`/api/conversations/${id}/messages`, 'POST', { message: 'no type' }, 'type'],
      [`/api/conversations/${id}/messages`, 'POST', { type: 'Fax', message: 'x' }, 'type'],
      [`/api/conversations/${id}/messages`, 'POST', { type: 'Email', subject: 'no body' }, 'message'],
      [`/api/conversations/${id}/messages`, 'POST', { type: 'SMS' }, 'message'],
      [
        `/api/conversations/${id}/messages`,
        'POST',
        { type: 'SMS', message: 'x', scheduledTimestamp: Date.now() + 60_000 },
        'scheduledTimestamp',
      ],
      [
        `/api/conversations/${id}/messages`,
        'POST',
        { type: 'SMS', message: 'x', scheduledTimestamp: 1000 },
        'scheduledTimestamp',
      ],
      [`/api/conversations/${id}/inbound`, 'POST', { type: 'SMS', message: 'x' }, 'conversationProviderId'],
      [
        `/api/conversations/${id}/inbound`,
        'POST',
        { type: 'SMS', conversationProviderId: 'p', message: 'x', date: 'soon' },
        'date',
      ],
      ['/api/messages/any/status', 'PUT', { status: 'lost' }, 'status'],
    ];
    for (const [url, method, payload, field] of cases) {
      const response = await send('agent', method, url, payload);
      expect([url, payload, response.statusCode, response.json().error, response.json().field]).toEqual([
        url,
        payload,
        400,
        'invalid_request',
        field,
      ]);
    }
    expect(state.messages.thread(id).every((m) => m.source !== 'api')).toBe(true);
  });
});
