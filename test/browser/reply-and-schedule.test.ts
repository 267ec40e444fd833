/**
 * Writing from the console in real Chromium: an agent's reply typed into the thread page reaches
 * HighLevel (the sandbox's own message store) and shows in the thread after a reload; a message
 * scheduled through the API with the agent's token is cancelled from the thread page.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithBrowser, roleEmail, signIn } from '../helpers/browser.js';
import { type ConsoleApp, startConsoleApp } from '../helpers/console-app.js';

describeWithBrowser('console in Chromium: reply and cancel a scheduled send', (session) => {
  let parley: ConsoleApp;
  let baseUrl: string;
  let conversationId: string;

  beforeAll(async () => {
    parley = await startConsoleApp('sqlite', { attendees: 3 });
    baseUrl = await parley.listen();
    const row = await parley.deps.db
      .selectFrom('index_conversations')
      .select('conversation_id')
      .where('contact_phone', 'is not', null)
      .orderBy('conversation_id')
      .executeTakeFirstOrThrow();
    conversationId = row.conversation_id;
  });

  afterAll(async () => {
    await parley?.close();
  });

  const flashText = (page: Page) =>
    page
      .locator('.flash:not([hidden])')
      .allTextContents()
      .then((texts) => texts.join(' | '))
      // The page may be mid-reload; the text is only a diagnostic.
      .catch(() => '(page reloading)');
  const threadUrl = () => `${baseUrl}/console/conversations/${encodeURIComponent(conversationId)}`;
  const sandboxThread = () => parley.sandbox.sandbox.domain?.state.messages.thread(conversationId) ?? [];

  /** Types an SMS reply into the thread as an agent and clicks Send; answers the page and its own reload. */
  async function sendReplyFromThread(text: string) {
    const page = await session.newPage();
    await signIn(page, baseUrl, roleEmail('agent'));
    await page.goto(threadUrl());
    await page.getByLabel('Send as').selectOption('SMS');
    await page.getByLabel('Message', { exact: true }).fill(text);
    // The form reloads the page itself once the API answers (data-reload); wait for that load rather
    // than racing it with a reload of our own.
    const reloaded = page.waitForEvent('load');
    await page.getByRole('button', { name: 'Send reply' }).click();
    return { page, reloaded };
  }

  it('sends an SMS reply typed in the thread to HighLevel', async () => {
    const text = `Your badge is at the north desk (${Date.now().toString(36)})`;
    const { reloaded } = await sendReplyFromThread(text);

    await expect.poll(() => sandboxThread().some((message) => message.body === text)).toBe(true);
    const sent = sandboxThread().find((message) => message.body === text);
    expect(sent?.direction).toBe('outbound');
    await reloaded;
  });

  it('shows an SMS reply typed in the thread after a reload', async () => {
    const text = `Your seat is in row 4 (${Date.now().toString(36)})`;
    const { page, reloaded } = await sendReplyFromThread(text);
    await reloaded;
    await page.goto(threadUrl());
    await expect.poll(() => page.locator('ol.messages').getByText(text).count()).toBe(1);
  });

  it('cancels a message scheduled through the API from the thread page; its status shows cancelled', async () => {
    const text = `Reminder: doors open at 8 (${Date.now().toString(36)})`;
    const inOneDay = Math.floor(Date.now() / 1000) + 86_400;
    const scheduled = await parley.app.inject({
      method: 'POST',
      url: `/api/conversations/${encodeURIComponent(conversationId)}/messages`,
      headers: parley.auth('agent'),
      payload: { type: 'SMS', message: text, scheduledTimestamp: inOneDay },
    });
    expect(scheduled.statusCode, scheduled.body).toBeLessThan(300);
    expect(sandboxThread().find((message) => message.body === text)?.status).toBe('scheduled');

    const page = await session.newPage();
    await signIn(page, baseUrl, roleEmail('agent'));
    await page.goto(threadUrl());
    const item = page.locator('ol.messages > li').filter({ hasText: text });
    expect(await item.locator('.status').textContent()).toBe('scheduled');
    page.once('dialog', (dialog) => void dialog.accept());
    const reloaded = page.waitForEvent('load');
    await item.getByRole('button', { name: 'Cancel scheduled send' }).click();

    await expect
      .poll(async () => {
        const status = sandboxThread().find((message) => message.body === text)?.status;
        return status === 'cancelled' ? status : `${status}; page says: ${await flashText(page)}`;
      })
      .toBe('cancelled');
    await reloaded;
    await page.goto(threadUrl());
    const after = page.locator('ol.messages > li').filter({ hasText: text });
    expect((await after.locator('.status').textContent())?.trim()).toBe('cancelled');
    expect(await after.getByRole('button', { name: 'Cancel scheduled send' }).count()).toBe(0);
  });
});
