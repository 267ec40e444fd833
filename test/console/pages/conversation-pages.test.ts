/**
 * The search, thread and transcript pages over a real sandbox-synced index (SQLite): what each role
 * sees, topic matches as <mark>, sponsors kept out of other conversations, attendee text escaped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../../src/console/auth/roles.js';
import { CONSOLE_PASSWORD, type ConsoleApp, startConsoleApp } from '../../helpers/console-app.js';

const XSS_CONVERSATION = 'conv-xss-page';

describe('console conversation pages [sqlite]', () => {
  let harness: ConsoleApp;
  const cookies = new Map<Role, string>();
  let callMessageId: string;
  let callConversationId: string;

  async function page(role: Role, url: string) {
    return harness.app.inject({ url, headers: { cookie: cookies.get(role) ?? '' } });
  }

  beforeAll(async () => {
    // The console's sponsor user answers for Acme (config sponsor.sponsors).
    harness = await startConsoleApp('sqlite', {
      attendees: 6,
      config: { sponsor: { sponsors: [{ name: 'Acme', keyword: 'ACME', staff: ['sponsor@parley.test'] }] } },
    });
    for (const role of ['viewer', 'agent', 'sponsor'] as const) {
      const login = await harness.app.inject({
        method: 'POST',
        url: '/api/login',
        payload: { email: harness.email(role), password: CONSOLE_PASSWORD },
      });
      const header = login.headers['set-cookie'];
      cookies.set(role, ((Array.isArray(header) ? header[0] : header) ?? '').split(';')[0] ?? '');
    }
    const call = await harness.deps.db
      .selectFrom('index_messages')
      .select(['message_id', 'conversation_id'])
      .where('type', '=', 'TYPE_CALL')
      .executeTakeFirstOrThrow();
    callMessageId = call.message_id;
    callConversationId = call.conversation_id;

    const now = Date.now();
    await harness.deps.index.upsertConversation({
      conversationId: XSS_CONVERSATION,
      locationId: harness.locationId,
      contactId: 'contact-xss',
      contactName: '<script>alert("name")</script>',
      contactEmail: 'xss@parley.test',
      lastMessageAt: now,
      lastMessageBody: '<img src=x onerror=alert(1)>',
      unreadCount: 1,
      updatedAt: now,
    });
    await harness.deps.index.upsertMessage({
      messageId: 'msg-xss-body',
      conversationId: XSS_CONVERSATION,
      locationId: harness.locationId,
      direction: 'inbound',
      type: 'TYPE_SMS',
      status: 'delivered',
      body: '<script>steal(document.cookie)</script> see [you] there',
      createdAt: now - 60_000,
      updatedAt: now,
    });
    await harness.deps.index.upsertMessage({
      messageId: 'msg-sent',
      conversationId: XSS_CONVERSATION,
      locationId: harness.locationId,
      direction: 'outbound',
      type: 'TYPE_SMS',
      status: 'delivered',
      body: 'Your badge is at the north desk',
      createdAt: now - 90_000,
      updatedAt: now,
    });
    await harness.deps.index.upsertMessage({
      messageId: 'msg-scheduled',
      conversationId: XSS_CONVERSATION,
      locationId: harness.locationId,
      direction: 'outbound',
      type: 'TYPE_SMS',
      status: 'scheduled',
      body: 'Doors open at nine',
      createdAt: now,
      updatedAt: now,
    });
  });
  afterAll(async () => harness?.close());

  it('lists the attendee an email search names, with a link to the thread', async () => {
    const conversation = await harness.deps.db
      .selectFrom('index_conversations')
      .select(['conversation_id', 'contact_email', 'contact_name'])
      .where('conversation_id', '=', callConversationId)
      .executeTakeFirstOrThrow();
    const email = conversation.contact_email ?? '';
    expect(email).not.toBe('');
    const response = await page('viewer', `/console?email=${encodeURIComponent(email)}`);
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain(`href="/console/conversations/${callConversationId}"`);
    expect(response.body).toContain(email);
    expect(response.body).toMatch(/value="[^"]*@[^"]*"/); // the filter stays in the form
    expect(response.body.match(/class="result"/g)).toHaveLength(1);
  });

  it('shows the empty state when nothing matches', async () => {
    const response = await page('viewer', '/console?email=nobody%40nowhere.test');
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('No conversations match these filters.');
    expect(response.body).not.toContain('class="result"');
  });

  it('marks the matched words of a topic search with <mark>', async () => {
    const body = await harness.deps.db
      .selectFrom('index_messages')
      .select('body')
      .where('conversation_id', '=', callConversationId)
      .where('type', '!=', 'TYPE_CALL')
      .where('body', 'is not', null)
      .executeTakeFirstOrThrow();
    // A long word is a content word, never a full-text stop word.
    const word = (body.body?.match(/\p{L}{7,}/gu) ?? [])[0] ?? '';
    expect(word).not.toBe('');
    const response = await page('agent', `/console?topic=${encodeURIComponent(word)}`);
    expect(response.statusCode).toBe(200);
    const marked = [...response.body.matchAll(/<mark>([^<]*)<\/mark>/g)].map((m) => (m[1] ?? '').toLowerCase());
    expect(marked).toContain(word.toLowerCase());
  });

  it('answers a bad date filter with 400 naming the field', async () => {
    const response = await page('viewer', '/console?from=yesterday');
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain(
      '&#34;Last message from&#34; must be a date like 2026-03-31, not &#34;yesterday&#34;',
    );
  });

  /** The call conversation's thread page, as an agent sees it. */
  async function callThread(): Promise<string> {
    const response = await page('agent', `/console/conversations/${callConversationId}`);
    expect(response.statusCode).toBe(200);
    return response.body;
  }

  it('shows the status of each message in the thread', async () => {
    expect(await callThread()).toMatch(/<span class="status status-delivered">delivered<\/span>/);
  });

  it('plays the call recording in the thread', async () => {
    expect(await callThread()).toContain(
      `<audio controls preload="none" src="/api/messages/${callMessageId}/recording">`,
    );
  });

  it('links the call transcript from the thread', async () => {
    expect(await callThread()).toContain(`href="/console/messages/${callMessageId}/transcript"`);
  });

  it('lists the thread oldest first', async () => {
    const html = await callThread();
    // Oldest first: the call (an hour ago) is the newest seeded message, so it comes last.
    const audioAt = html.indexOf('<audio');
    expect(html.indexOf('class="message ')).toBeLessThan(audioAt);
    expect(html.lastIndexOf('class="message ')).toBeLessThan(audioAt);
  });

  it('gives an agent every change form in the thread', async () => {
    const response = await page('agent', `/console/conversations/${XSS_CONVERSATION}`);
    expect(response.statusCode).toBe(200);
    const html = response.body;
    expect(html).toContain(`data-api="/api/conversations/${XSS_CONVERSATION}/messages" data-method="POST"`);
    expect(html).toContain(`data-api="/api/conversations/${XSS_CONVERSATION}/attachments" data-method="POST"`);
    expect(html).toContain(`data-api="/api/conversations/${XSS_CONVERSATION}" data-method="PATCH"`);
    expect(html).toContain('data-api="/api/messages/msg-sent/status" data-method="PUT"');
    expect(html).toMatch(
      /data-api="\/api\/messages\/msg-scheduled\/schedule" data-method="DELETE" data-confirm="[^"]+" data-reload/,
    );
    expect(html).toContain('<span class="status status-scheduled">scheduled</span>');
    expect(html).not.toContain('is read-only');
  });

  const viewerThread = () => page('viewer', `/console/conversations/${XSS_CONVERSATION}`);

  it('gives a viewer the thread without a reply box or change forms', async () => {
    const response = await viewerThread();
    expect(response.statusCode).toBe(200);
    const html = response.body;
    expect(html).toContain('Doors open at nine');
    expect(html).not.toContain('data-api="/api/conversations/');
    expect(html).not.toContain('data-api="/api/messages/');
  });

  it('tells a viewer their role is read-only', async () => {
    expect((await viewerThread()).body).toContain('Your role (viewer) is read-only');
  });

  it('escapes attendee text on the pages that show it', async () => {
    const search = await page('agent', '/console?email=xss%40parley.test');
    const thread = await page('agent', `/console/conversations/${XSS_CONVERSATION}`);
    for (const html of [search.body, thread.body]) {
      expect(html).not.toContain('<script>alert');
      expect(html).not.toContain('<img src=x');
      expect(html).toContain('&lt;script&gt;alert(&#34;name&#34;)&lt;/script&gt;');
    }
    expect(search.body).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(thread.body).toContain('&lt;script&gt;steal(document.cookie)&lt;/script&gt; see [you] there');
    expect(thread.body).not.toContain('<mark>');
  });

  /** The call's transcript page, as a viewer sees it. */
  async function transcriptPage(): Promise<string> {
    const response = await page('viewer', `/console/messages/${callMessageId}/transcript`);
    expect(response.statusCode).toBe(200);
    return response.body;
  }

  it('offers the transcript as a download', async () => {
    expect(await transcriptPage()).toContain(`href="/api/messages/${callMessageId}/transcript/download"`);
  });

  it('plays the recording beside the transcript', async () => {
    expect(await transcriptPage()).toContain(
      `<audio controls preload="none" src="/api/messages/${callMessageId}/recording">`,
    );
  });

  it('links the transcript back to its conversation', async () => {
    expect(await transcriptPage()).toContain(`href="/console/conversations/${callConversationId}"`);
  });

  it('lists the transcript sentences with mm:ss times', async () => {
    const html = await transcriptPage();
    const sentences = [...html.matchAll(/<li><span class="at">(\d{2}:\d{2})<\/span>/g)];
    expect(sentences.length).toBeGreaterThan(1);
    expect(sentences[0]?.[1]).toBe('00:00');
  });

  it('answers a sponsor opening a thread outside their sponsor channel with a 403 page, not JSON', async () => {
    const response = await page('sponsor', `/console/conversations/${callConversationId}`);
    expect(response.statusCode).toBe(403);
    expect(response.headers['content-type']).toContain('text/html');
    expect(response.body).toContain('<h1>Not allowed</h1>');
    expect(response.body).toContain('sponsors may open only their own sponsor&#39;s sponsor-channel conversations');
    expect(response.body).not.toContain('<audio');

    const transcript = await page('sponsor', `/console/messages/${callMessageId}/transcript`);
    expect(transcript.statusCode).toBe(403);
    expect(transcript.headers['content-type']).toContain('text/html');
  });

  it('shows a sponsor only the sponsor-channel conversation, with the reply box', async () => {
    // A real sandbox conversation (so its messages load) moved into the sponsor channel in the index.
    const row = await harness.deps.db
      .selectFrom('index_conversations')
      .selectAll()
      .where('conversation_id', 'not in', [callConversationId, XSS_CONVERSATION])
      .executeTakeFirstOrThrow();
    await harness.deps.index.upsertConversation({
      conversationId: row.conversation_id,
      locationId: row.location_id,
      contactId: row.contact_id,
      contactName: row.contact_name,
      contactEmail: row.contact_email,
      lastMessageAt: Number(row.last_message_at),
      lastMessageBody: row.last_message_body,
      unreadCount: Number(row.unread_count),
      sponsor: true,
      updatedAt: Number(row.updated_at) + 1,
    });
    await harness.deps.index.joinSponsorChannel({
      conversationId: row.conversation_id,
      locationId: row.location_id,
      sponsors: ['acme'],
      messageId: null,
    });
    const search = await page('sponsor', '/console');
    expect(search.statusCode).toBe(200);
    const links = [...search.body.matchAll(/class="result-link" href="([^"]+)"/g)].map((m) => m[1]);
    expect(links).toEqual([`/console/conversations/${row.conversation_id}`]);

    const thread = await page('sponsor', `/console/conversations/${row.conversation_id}`);
    expect(thread.statusCode).toBe(200);
    expect(thread.body).toContain(`data-api="/api/conversations/${row.conversation_id}/messages" data-method="POST"`);
    expect(thread.body).toMatch(/class="message (inbound|outbound)"/);
  });

  it('pages search results with a Next page link that keeps the filters', async () => {
    const first = await page('viewer', '/console?status=read&limit=2');
    expect(first.statusCode).toBe(200);
    const firstIds = [...first.body.matchAll(/class="result-link" href="([^"]+)"/g)].map((m) => m[1]);
    expect(firstIds).toHaveLength(2);
    const next = /<a href="([^"]+)" rel="next">Next page<\/a>/.exec(first.body)?.[1]?.replaceAll('&amp;', '&') ?? '';
    expect(next).toMatch(/^\/console\?status=read&limit=2&cursor=/);

    const second = await page('viewer', next);
    expect(second.statusCode).toBe(200);
    const secondIds = [...second.body.matchAll(/class="result-link" href="([^"]+)"/g)].map((m) => m[1]);
    expect(secondIds.length).toBeGreaterThan(0);
    expect(secondIds.filter((id) => firstIds.includes(id))).toEqual([]);
  });

  it('answers a search limit outside 1-100 with 400 naming limit', async () => {
    const response = await page('viewer', '/console?limit=500');
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('The page size (limit) must be a whole number from 1 to 100, not &#34;500&#34;');
  });

  /** The thread at one message a page; answers that page and its Older messages link. */
  async function newestPage() {
    const newest = await page('viewer', `/console/conversations/${XSS_CONVERSATION}?limit=1`);
    const older = /<a href="([^"]+)">Older messages<\/a>/.exec(newest.body)?.[1]?.replaceAll('&amp;', '&') ?? '';
    return { newest, older };
  }

  it('links older messages of a thread with the cursor', async () => {
    const { newest, older } = await newestPage();
    expect(newest.body).toContain('Doors open at nine');
    expect(newest.body).not.toContain('steal(document.cookie)');
    expect(older).toMatch(new RegExp(`^/console/conversations/${XSS_CONVERSATION}\\?cursor=.+&limit=1$`));
  });

  it('shows the earlier message on the older page', async () => {
    const { older } = await newestPage();
    const earlier = await page('viewer', older);
    expect(earlier.statusCode).toBe(200);
    expect(earlier.body).toContain('steal(document.cookie)');
    expect(earlier.body).not.toContain('Doors open at nine');
    expect(earlier.body).toContain(`<a href="/console/conversations/${XSS_CONVERSATION}">Newest messages</a>`);
  });

  it('answers a conversation HighLevel does not have with a 404 page', async () => {
    const response = await page('agent', '/console/conversations/no-such-conversation');
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toContain('text/html');
    expect(response.body).toContain('<h1>Not found</h1>');
  });
});
