/**
 * Roles as a person meets them in real Chromium: a viewer reads a thread but gets no reply box, and the
 * API refuses the viewer's own session even when the request is forged from the page with a valid
 * CSRF token; a sponsor opens their sponsor's sponsor-channel conversation but is refused any other.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithBrowser, roleEmail, signIn } from '../helpers/browser.js';
import { type ConsoleApp, startConsoleApp } from '../helpers/console-app.js';

describeWithBrowser('console in Chromium: viewer and sponsor limits', (session) => {
  let parley: ConsoleApp;
  let baseUrl: string;
  let sponsorConversation: { id: string; name: string };
  let otherConversation: string;

  beforeAll(async () => {
    // The console's sponsor user answers for Acme (config sponsor.sponsors).
    parley = await startConsoleApp('sqlite', {
      attendees: 4,
      config: { sponsor: { sponsors: [{ name: 'Acme', keyword: 'ACME', staff: [roleEmail('sponsor')] }] } },
    });
    baseUrl = await parley.listen();
    const rows = await parley.deps.db
      .selectFrom('index_conversations')
      .select(['conversation_id', 'contact_name'])
      .orderBy('conversation_id')
      .limit(2)
      .execute();
    const [first, second] = rows;
    if (first === undefined || second === undefined) throw new Error('the sandbox seeded fewer than 2 conversations');
    sponsorConversation = { id: first.conversation_id, name: first.contact_name ?? '' };
    otherConversation = second.conversation_id;
    await parley.deps.index.joinSponsorChannel({
      conversationId: sponsorConversation.id,
      locationId: parley.locationId,
      sponsors: ['acme'],
      messageId: null,
    });
  });

  afterAll(async () => {
    await parley?.close();
  });

  const threadUrl = (id: string) => `${baseUrl}/console/conversations/${encodeURIComponent(id)}`;

  /** POSTs from inside the page with the page's session cookie and CSRF token, as console.js would. */
  async function postFromPage(page: Page, path: string, body: unknown): Promise<{ status: number; error: string }> {
    return page.evaluate(`(async () => {
      const token = document.querySelector('meta[name="csrf-token"]').getAttribute('content');
      const response = await fetch(${JSON.stringify(path)}, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', 'x-csrf-token': token },
        body: ${JSON.stringify(JSON.stringify(body))},
      });
      const payload = await response.json().catch(() => ({}));
      return { status: response.status, error: payload.error || '' };
    })()`);
  }

  /** A page signed in as `role`. */
  async function pageSignedInAs(role: Parameters<typeof roleEmail>[0]): Promise<Page> {
    const page = await session.newPage();
    await signIn(page, baseUrl, roleEmail(role));
    return page;
  }

  it('shows a viewer the thread without a reply box', async () => {
    const page = await pageSignedInAs('viewer');
    await page.goto(threadUrl(otherConversation));
    expect(await page.locator('ol.messages > li').count()).toBeGreaterThan(0);
    expect(await page.getByRole('heading', { name: 'Reply' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Send reply' }).count()).toBe(0);
    expect(await page.getByLabel('Message', { exact: true }).count()).toBe(0);
    expect(await page.getByText(/read-only/).count()).toBe(1);
  });

  it("answers 403 to a reply sent from the thread page with a viewer's session", async () => {
    const page = await pageSignedInAs('viewer');
    await page.goto(threadUrl(otherConversation));
    const path = `/api/conversations/${encodeURIComponent(otherConversation)}/messages`;
    const answer = await postFromPage(page, path, { type: 'SMS', message: 'viewers cannot send this' });
    expect(answer).toEqual({ status: 403, error: 'forbidden' });
    const sandboxThread = parley.sandbox.sandbox.domain?.state.messages.thread(otherConversation) ?? [];
    expect(sandboxThread.some((message) => message.body === 'viewers cannot send this')).toBe(false);
  });

  it('answers a sponsor 403 for a conversation outside their sponsor channel', async () => {
    const page = await pageSignedInAs('sponsor');
    const denied = await page.goto(threadUrl(otherConversation));
    expect(denied?.status()).toBe(403);
    expect(await page.getByRole('button', { name: 'Send reply' }).count()).toBe(0);
    expect(await page.locator('ol.messages').count()).toBe(0);
  });

  it('lets a sponsor open their sponsor-channel conversation', async () => {
    const page = await pageSignedInAs('sponsor');
    const allowed = await page.goto(threadUrl(sponsorConversation.id));
    expect(allowed?.status()).toBe(200);
    expect((await page.getByRole('heading', { level: 1 }).textContent())?.trim()).toBe(sponsorConversation.name);
    expect(await page.getByRole('button', { name: 'Send reply' }).count()).toBe(1);
  });

  it('lists only their sponsor-channel conversation to a sponsor', async () => {
    const page = await pageSignedInAs('sponsor');
    await page.goto(`${baseUrl}/console`);
    const results = page.locator('ol.results > li');
    expect(await results.count()).toBe(1);
    expect(await results.first().getByRole('link').first().getAttribute('href')).toBe(
      `/console/conversations/${encodeURIComponent(sponsorConversation.id)}`,
    );
  });
});
