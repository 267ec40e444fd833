/**
 * The thread and search pages over a sandbox-synced index, on both databases: attachments as links
 * (thumbnails for images, allowed by the page's CSP), status selects only where HighLevel takes a
 * status, live updates on the newest thread page and the listed search results, filter errors said on
 * the search page as sentences, HighLevel failures as sentences, and the console's own 404 page for an
 * unknown console URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../../src/console/auth/roles.js';
import { CONSOLE_PASSWORD, type ConsoleApp, startConsoleApp } from '../../helpers/console-app.js';
import { DATABASE_KINDS } from '../../helpers/databases.js';

const THREAD = 'conv-page-fixes';

describe.each(DATABASE_KINDS)('thread and search page fixes [%s]', (kind) => {
  let harness: ConsoleApp;
  const cookies = new Map<Role, string>();
  const page = (role: Role | null, url: string) =>
    harness.app.inject({ url, headers: role ? { cookie: cookies.get(role) ?? '' } : {} });

  beforeAll(async () => {
    harness = await startConsoleApp(kind, { attendees: 4 });
    for (const role of ['viewer', 'agent'] as const) {
      const login = await harness.app.inject({
        method: 'POST',
        url: '/api/login',
        payload: { email: harness.email(role), password: CONSOLE_PASSWORD },
      });
      const header = login.headers['set-cookie'];
      cookies.set(role, ((Array.isArray(header) ? header[0] : header) ?? '').split(';')[0] ?? '');
    }
    const now = Date.now();
    await harness.deps.index.upsertConversation({
      conversationId: THREAD,
      locationId: harness.locationId,
      contactId: 'contact-page-fixes',
      contactName: 'Page Fixes',
      lastMessageAt: now,
      updatedAt: now,
    });
    const messages = [
      ['msg-in', 'inbound', 'TYPE_SMS', 'delivered'],
      ['msg-sent', 'outbound', 'TYPE_SMS', 'sent'],
      ['msg-later', 'outbound', 'TYPE_SMS', 'scheduled'],
      ['msg-cancelled', 'outbound', 'TYPE_SMS', 'cancelled'],
      ['msg-call', 'outbound', 'TYPE_CALL', 'completed'],
    ] as const;
    for (const [n, [messageId, direction, type, status]] of messages.entries()) {
      await harness.deps.index.upsertMessage({
        messageId,
        conversationId: THREAD,
        locationId: harness.locationId,
        direction,
        type,
        status,
        body: `${messageId} body`,
        createdAt: now - (10 - n) * 1000,
        updatedAt: now,
      });
    }
    await harness.deps.index.upsertMessage({
      messageId: 'msg-files',
      conversationId: THREAD,
      locationId: harness.locationId,
      direction: 'inbound',
      type: 'TYPE_SMS',
      status: 'delivered',
      body: null,
      attachments: [
        'https://files.example.test/badge%20photo.png',
        '/sandbox/files/f1/agenda.pdf',
        'javascript:alert(1)',
      ],
      createdAt: now,
      updatedAt: now,
    });
  });
  afterAll(async () => harness?.close());

  const thread = () => page('viewer', `/console/conversations/${THREAD}`);

  it('shows attachments as links', async () => {
    const response = await thread();
    expect(response.statusCode).toBe(200);
    const html = response.body;
    expect(html).toContain(
      '<a href="https://files.example.test/badge%20photo.png" target="_blank" rel="noopener noreferrer">badge photo.png</a>',
    );
    // A path HighLevel gives relative to its API is resolved against it.
    expect(html).toContain(`<a href="${harness.sandbox.url}/sandbox/files/f1/agenda.pdf"`);
    expect(html).not.toContain('javascript:');
  });

  it('shows a thumbnail for an image attachment only', async () => {
    const html = (await thread()).body;
    expect(html).toContain('<img src="https://files.example.test/badge%20photo.png" alt="Attachment badge photo.png"');
    expect(html).not.toContain(`<img src="${harness.sandbox.url}/sandbox/files/f1/agenda.pdf"`);
  });

  it('lets the thread page load images from HTTPS', async () => {
    const response = await thread();
    expect(response.headers['content-security-policy']).toBe(
      `default-src 'self'; img-src 'self' https: ${new URL(harness.sandbox.url).origin}`,
    );
  });

  it('offers a status select only on an outbound message HighLevel takes a status for', async () => {
    const html = (await page('agent', `/console/conversations/${THREAD}`)).body;
    const forms = [...html.matchAll(/data-api="\/api\/messages\/([^/]+)\/status"/g)].map((m) => m[1]);
    expect(forms).toEqual(['msg-sent']);
    // The scheduled send keeps its cancel button.
    expect(html).toContain('data-api="/api/messages/msg-later/schedule" data-method="DELETE"');
  });

  it('follows live events on the newest thread page only', async () => {
    const newest = (await page('viewer', `/console/conversations/${THREAD}`)).body;
    expect(newest).toContain(`data-live-events="/api/conversations/${THREAD}/events"`);
    const older = /<a href="([^"]+)">Older messages<\/a>/.exec(
      (await page('viewer', `/console/conversations/${THREAD}?limit=2`)).body,
    )?.[1];
    expect(older).toBeDefined();
    const olderPage = (await page('viewer', (older ?? '').replaceAll('&amp;', '&'))).body;
    expect(olderPage).not.toContain('data-live-events=');
  });

  it('follows the live events of the conversations a search lists', async () => {
    const html = (await page('viewer', '/console?name=Page%20Fixes')).body;
    expect(html).toContain(`<li class="result" data-conversation-id="${THREAD}">`);
    expect(html).toContain(`data-live-events="/api/events?conversationId=${THREAD}"`);
  });

  it('says a date range the wrong way round on the search page, with a 400, instead of "no conversations"', async () => {
    const response = await page('viewer', '/console?from=2026-04-02&to=2026-03-01');
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain(
      '&#34;Last message from&#34; (2026-04-02) is after &#34;Last message to&#34; (2026-03-01), so no conversation can match. Pick a &#34;from&#34; day on or before the &#34;to&#34; day.',
    );
    expect(response.body).not.toContain('No conversations match these filters.');
  });

  it('says a stale results page on the search page as a sentence', async () => {
    const response = await page('viewer', '/console?name=a&cursor=not-a-cursor');
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('text/html');
    expect(response.body).toContain('This page of results is out of date. Search again from the first page.');
  });

  it('answers an unknown console URL with the console 404 page, signed in or not', async () => {
    for (const role of ['viewer', null] as const) {
      const response = await page(role, '/console/no/such/page');
      expect(response.statusCode).toBe(404);
      expect(response.headers['content-type']).toContain('text/html');
      expect(response.body).toContain('<h1>Page not found</h1>');
      expect(response.body).toContain('There is no console page at this address.');
    }
    expect((await page('viewer', '/console/no/such/page')).body).toContain('aria-label="Main"');
  });

  // Outside the console, API callers keep their JSON.
  it('answers an unknown API route with JSON', async () => {
    const api = await harness.app.inject({ url: '/api/no/such/route', headers: harness.auth('viewer') });
    expect(api.headers['content-type']).toContain('application/json');
  });

  it('tells a HighLevel failure on a page as a sentence with the next step', async () => {
    harness.sandbox.sandbox.setFaults({ errorRate: 1 });
    try {
      const response = await page('viewer', '/console/conversations/conv-not-in-the-index');
      expect(response.statusCode).toBe(502);
      expect(response.body).toContain('HighLevel did not answer properly, so parley could not show this page.');
      expect(response.body).not.toMatch(/Internal Server Error|Bad Gateway|Service Unavailable/);
    } finally {
      harness.sandbox.sandbox.setFaults({ errorRate: 0 });
    }
  });
});
