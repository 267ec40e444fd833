/**
 * Real Chromium against a listening console (SQLite, sandbox-seeded index): signing in, searching by
 * attendee email, opening the thread, keyboard access, and screenshots of the login, search and
 * thread pages at desktop and phone width.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  describeWithBrowser,
  focused,
  PHONE_VIEWPORT,
  roleEmail,
  saveScreenshot,
  scrollWidth,
  signIn,
} from '../helpers/browser.js';
import { type ConsoleApp, startConsoleApp } from '../helpers/console-app.js';

describeWithBrowser('console in Chromium: sign-in, search, thread', (session) => {
  let parley: ConsoleApp;
  let baseUrl: string;
  let attendee: { conversationId: string; email: string; name: string };

  beforeAll(async () => {
    parley = await startConsoleApp('sqlite', { attendees: 6 });
    baseUrl = await parley.listen();
    const row = await parley.deps.db
      .selectFrom('index_conversations')
      .select(['conversation_id', 'contact_email', 'contact_name'])
      .where('contact_email', 'is not', null)
      .orderBy('conversation_id')
      .executeTakeFirstOrThrow();
    attendee = { conversationId: row.conversation_id, email: row.contact_email ?? '', name: row.contact_name ?? '' };
  });

  afterAll(async () => {
    await parley?.close();
  });

  /** A signed-out page that opened / and was sent on to the login page. */
  async function signedOutPageAtRoot() {
    const page = await session.newPage();
    await page.goto(`${baseUrl}/`);
    await expect.poll(() => new URL(page.url()).pathname).toBe('/console/login');
    return page;
  }

  it('sends a signed-out visitor from / to the login page', async () => {
    const page = await signedOutPageAtRoot();
    await saveScreenshot(page, 'login');
  });

  it('shows an alert for a wrong password', async () => {
    const page = await signedOutPageAtRoot();
    await page.getByLabel('Email').fill(roleEmail('agent'));
    await page.getByLabel('Password').fill('wrong password, long enough');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/wrong/i);
  });

  it('takes a visitor who signs in to the search page', async () => {
    const page = await signedOutPageAtRoot();
    await signIn(page, baseUrl, roleEmail('agent'));
    expect(new URL(page.url()).pathname).toBe('/console');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBeTruthy();
    expect(await page.getByText(`${roleEmail('agent')} (agent)`).count()).toBe(1);
  });

  /** Signs in as an agent and searches by the attendee's email through the search form. */
  async function searchByAttendeeEmail() {
    const page = await session.newPage();
    await signIn(page, baseUrl, roleEmail('agent'));
    await page.getByLabel('Attendee email').fill(attendee.email);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/email=/);
    return { page, results: page.locator('ol.results > li') };
  }

  it('finds the conversation by attendee email', async () => {
    const { page, results } = await searchByAttendeeEmail();
    expect(await results.count()).toBe(1);
    expect(await results.first().textContent()).toContain(attendee.email);
    await saveScreenshot(page, 'search');
  });

  it('opens the thread of a search result with its messages', async () => {
    const { page, results } = await searchByAttendeeEmail();
    await results.first().getByRole('link').first().click();
    await page.waitForURL(`**/console/conversations/${encodeURIComponent(attendee.conversationId)}`);
    expect((await page.getByRole('heading', { level: 1 }).textContent())?.trim()).toBe(attendee.name);
    expect(await page.locator('ol.messages > li').count()).toBeGreaterThan(0);
    expect(await page.getByRole('heading', { name: 'Reply' }).count()).toBe(1);
    await saveScreenshot(page, 'thread');
  });

  it('lays out search results at phone width (390×844) without horizontal scrolling', async () => {
    const page = await session.newPage({ viewport: PHONE_VIEWPORT });
    await signIn(page, baseUrl, roleEmail('agent'));
    await page.goto(`${baseUrl}/console?email=${encodeURIComponent(attendee.email)}`);
    expect(await page.locator('ol.results > li').count()).toBe(1);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE_VIEWPORT.width);
    await saveScreenshot(page, 'search-phone');
  });

  it('lays out the thread at phone width (390×844) without horizontal scrolling', async () => {
    const page = await session.newPage({ viewport: PHONE_VIEWPORT });
    await signIn(page, baseUrl, roleEmail('agent'));
    await page.goto(`${baseUrl}/console/conversations/${encodeURIComponent(attendee.conversationId)}`);
    expect(await page.locator('ol.messages > li').count()).toBeGreaterThan(0);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE_VIEWPORT.width);
    await saveScreenshot(page, 'thread-phone');
  });

  it('reaches the skip link with the first Tab, then the main navigation; the skip link moves focus to the content', async () => {
    const page = await session.newPage();
    await signIn(page, baseUrl, roleEmail('admin'));
    await page.goto(`${baseUrl}/console`);
    await page.keyboard.press('Tab');
    expect((await focused(page)).text).toBe('Skip to content');
    let inNav = false;
    for (let step = 0; step < 3 && !inNav; step += 1) {
      await page.keyboard.press('Tab');
      inNav = (await focused(page)).inMainNav;
    }
    expect(inNav).toBe(true);
    expect((await focused(page)).text).toBe('Conversations');

    await page.goto(`${baseUrl}/console`);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await focused(page)).id).toBe('main');
  });

  it('opens the API docs from the navigation: every operation with its roles, from our own origin only', async () => {
    const page = await session.newPage();
    const outside: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(baseUrl)) outside.push(request.url());
    });
    await signIn(page, baseUrl, roleEmail('viewer'));
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API' }).click();
    await page.waitForURL('**/api/docs');
    expect(await page.locator('article.api-operation').count()).toBeGreaterThanOrEqual(24);
    const docs = page
      .locator('article.api-operation')
      .filter({ hasText: 'DELETE /api/conversations/{conversationId}' });
    expect((await docs.locator('.roles').textContent())?.trim()).toBe('admin');
    expect(outside).toEqual([]);
    await saveScreenshot(page, 'api-docs');
  });
});
