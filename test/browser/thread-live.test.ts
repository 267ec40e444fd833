/**
 * Live updates in real Chromium, with parley as one process runs it (console, POST /hooks/highlevel and
 * the worker): a contact's reply added in the HighLevel sandbox goes out as the sandbox's signed
 * webhook, the worker mirrors it into the index, and the thread page an agent has open shows it without
 * a reload; the search page marks the conversation as having new activity. Screenshot thread-live-reply.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ParleyWorld, startParleyWorld } from '../console/api/parley-world.js';
import { describeWithBrowser, roleEmail, saveScreenshot, signIn } from '../helpers/browser.js';

describeWithBrowser('console in Chromium: live updates', (session) => {
  let world: ParleyWorld;
  let conversationId: string;
  let contactName: string;

  beforeAll(async () => {
    world = await startParleyWorld('sqlite', { attendees: 2, highlevelWebhooks: true, liveEvents: { pollMs: 250 } });
    const state = world.sandbox.sandbox.domain!.state;
    const conversation = [...state.conversations.inLocation(world.locationId)].find(
      (c) => state.contacts.get(c.contactId)?.phone,
    );
    if (!conversation) throw new Error('the sandbox location has no conversation with a phone');
    conversationId = conversation.id;
    contactName = state.contacts.get(conversation.contactId)?.name ?? '';
  });

  afterAll(async () => {
    await world?.close();
  });

  /** The contact writes back from their phone: the sandbox stores it and sends the signed webhook. */
  async function contactReplies(message: string): Promise<string> {
    const response = await fetch(`${world.sandbox.url}/sandbox/conversations/${conversationId}/replies`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message }),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { messageId: string }).messageId;
  }

  /** A marker on the window: a reload or navigation would lose it. */
  const markWindow = (page: Page) => page.evaluate('window.__sameDocument = true');
  const sameDocument = (page: Page) => page.evaluate('window.__sameDocument === true');

  it('shows a reply the contact sends in HighLevel on the open thread page, without a reload', async () => {
    const page = await session.newPage();
    await signIn(page, world.url, roleEmail('agent'));
    await page.goto(`${world.url}/console/conversations/${encodeURIComponent(conversationId)}`);
    await page.locator('section[data-live-state="live"]').waitFor();
    await markWindow(page);

    const text = `Running ten minutes late (${Date.now().toString(36)})`;
    const messageId = await contactReplies(text);
    const arrived = page.locator(`li[data-message-id="${messageId}"]`);
    await arrived.waitFor({ timeout: 20_000 });
    await expect.poll(() => arrived.textContent()).toContain(text);
    expect(await arrived.getAttribute('class')).toContain('inbound');
    expect(await sameDocument(page)).toBe(true);
    await expect.poll(() => page.locator('.live-status').textContent()).toBe('New message from the attendee.');
    await arrived.scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'thread-live-reply');
  });

  it('marks a listed conversation that gets a new message on the open search page', async () => {
    const page = await session.newPage();
    await signIn(page, world.url, roleEmail('agent'));
    await page.goto(`${world.url}/console?name=${encodeURIComponent(contactName)}`);
    const result = page.locator(`li.result[data-conversation-id="${conversationId}"]`);
    await result.waitFor();
    await page.locator('ol[data-live-state="live"]').waitFor();
    await markWindow(page);
    await contactReplies('Where do I park?');
    await expect.poll(() => result.getAttribute('class'), { timeout: 20_000 }).toContain('changed');
    expect(await result.locator('.status.changed').textContent()).toBe('new activity');
    expect(await sameDocument(page)).toBe(true);
  });
});
