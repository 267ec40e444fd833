/**
 * A sponsor asking for an id outside their own sponsor's channel is refused with 403, and with exactly
 * the answer an id that does not exist gets, on every conversation, message, transcript and recording
 * route (API and pages), so the answer reveals neither that the id exists nor which conversation a
 * message belongs to. Real console, sandbox and database (both kinds).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_PASSWORD, type ConsoleApp, startConsoleApp } from '../../helpers/console-app.js';
import { DATABASE_KINDS } from '../../helpers/databases.js';

type Method = 'GET' | 'PATCH' | 'POST' | 'PUT' | 'DELETE';

describe.each(DATABASE_KINDS)('sponsor answers for ids outside their sponsor channel [%s]', (kind) => {
  let parley: ConsoleApp;
  let other: { conversationId: string; callMessageId: string; emailMessageId: string };

  beforeAll(async () => {
    // The console's sponsor user answers for Acme.
    parley = await startConsoleApp(kind, {
      attendees: 6,
      config: { sponsor: { sponsors: [{ name: 'Acme', keyword: 'ACME', staff: ['sponsor@parley.test'] }] } },
    });
    const { db } = parley.deps;
    const call = await db
      .selectFrom('index_messages')
      .select(['message_id', 'conversation_id'])
      .where('type', '=', 'TYPE_CALL')
      .executeTakeFirstOrThrow();
    const sponsor = await db
      .selectFrom('index_conversations')
      .select(['conversation_id', 'location_id'])
      .where('conversation_id', '!=', call.conversation_id)
      .orderBy('conversation_id')
      .executeTakeFirstOrThrow();
    await parley.deps.index.joinSponsorChannel({
      conversationId: sponsor.conversation_id,
      locationId: sponsor.location_id,
      sponsors: ['acme'],
      messageId: null,
    });
    // A scheduled email in the other conversation, so the email route has a real id that is not the sponsor's.
    const scheduled = await parley.app.inject({
      method: 'POST',
      url: `/api/conversations/${call.conversation_id}/messages`,
      headers: parley.auth('agent'),
      payload: { type: 'Email', message: 'Agenda', scheduledTimestamp: Math.floor(Date.now() / 1000) + 3600 },
    });
    expect(scheduled.statusCode).toBe(201);
    other = {
      conversationId: call.conversation_id,
      callMessageId: call.message_id,
      emailMessageId: scheduled.json().emailMessageId as string,
    };
  });
  afterAll(async () => parley?.close());

  /** Each route with the path for an id the sponsor may not see and for one that does not exist. */
  const routes = (): [Method, string, string, object?][] => {
    const c = other.conversationId;
    const m = other.callMessageId;
    return [
      ['GET', `/api/conversations/${c}`, '/api/conversations/noSuchConversation1'],
      ['GET', `/api/conversations/${c}/messages`, '/api/conversations/noSuchConversation1/messages'],
      ['GET', `/api/messages/${m}/transcript`, '/api/messages/noSuchMessage1/transcript'],
      ['GET', `/api/messages/${m}/transcript/download`, '/api/messages/noSuchMessage1/transcript/download'],
      ['GET', `/api/messages/${m}/recording`, '/api/messages/noSuchMessage1/recording'],
      ['PATCH', `/api/conversations/${c}`, '/api/conversations/noSuchConversation1', { starred: true }],
      [
        'POST',
        `/api/conversations/${c}/messages`,
        '/api/conversations/noSuchConversation1/messages',
        { type: 'SMS', message: 'hi' },
      ],
      [
        'POST',
        `/api/conversations/${c}/inbound`,
        '/api/conversations/noSuchConversation1/inbound',
        { type: 'SMS', conversationProviderId: 'p', message: 'hi' },
      ],
      ['PUT', `/api/messages/${m}/status`, '/api/messages/noSuchMessage1/status', { status: 'read' }],
      ['DELETE', `/api/messages/${m}/schedule`, '/api/messages/noSuchMessage1/schedule'],
      ['DELETE', `/api/emails/${other.emailMessageId}/schedule`, '/api/emails/noSuchEmail1/schedule'],
    ];
  };

  it('answers a sponsor’s API call on a conversation not theirs exactly as on one that does not exist', async () => {
    const differences: string[] = [];
    for (const [method, hidden, missing, payload] of routes()) {
      const send = (url: string) =>
        parley.app.inject({ method, url, headers: parley.auth('sponsor'), ...(payload ? { payload } : {}) });
      const [notYours, absent] = [await send(hidden), await send(missing)];
      expect(notYours.statusCode, hidden).toBe(403);
      if (notYours.statusCode !== absent.statusCode || notYours.body !== absent.body) {
        differences.push(
          `${method} ${hidden}: ${notYours.statusCode} ${notYours.body} vs ${absent.statusCode} ${absent.body}`,
        );
      }
      expect(notYours.body, hidden).not.toContain(other.conversationId);
      expect(notYours.json(), hidden).toMatchObject({ error: 'forbidden' });
    }
    expect(differences).toEqual([]);
  });

  it('answers an attachment upload to a conversation not theirs exactly as to one that does not exist', async () => {
    const base = await parley.listen();
    const upload = async (conversationId: string) => {
      const form = new FormData();
      form.append('file', new Blob(['x'], { type: 'text/plain' }), 'x.txt');
      const response = await fetch(`${base}/api/conversations/${conversationId}/attachments`, {
        method: 'POST',
        headers: parley.auth('sponsor'),
        body: form,
      });
      return { status: response.status, body: await response.text() };
    };
    const notYours = await upload(other.conversationId);
    expect(notYours.status).toBe(403);
    expect(notYours).toEqual(await upload('noSuchConversation1'));
  });

  it('shows the same 403 page for a thread or transcript not theirs as for one that does not exist', async () => {
    const login = await parley.app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { email: parley.email('sponsor'), password: CONSOLE_PASSWORD },
    });
    const cookie = String([login.headers['set-cookie']].flat()[0]).split(';')[0] ?? '';
    const page = (url: string) => parley.app.inject({ url, headers: { cookie } });
    for (const [hidden, missing] of [
      [`/console/conversations/${other.conversationId}`, '/console/conversations/noSuchConversation1'],
      [`/console/messages/${other.callMessageId}/transcript`, '/console/messages/noSuchMessage1/transcript'],
    ] as const) {
      const [notYours, absent] = [await page(hidden), await page(missing)];
      expect(notYours.statusCode, hidden).toBe(403);
      expect(notYours.body, hidden).not.toContain(other.conversationId);
      expect({ status: absent.statusCode, body: absent.body }, hidden).toEqual({
        status: notYours.statusCode,
        body: notYours.body,
      });
    }
  });
});
