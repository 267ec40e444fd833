/**
 * The admin pages in real Chromium: each opens for an admin (200, its heading, its nav entry marked
 * current) and is saved as a full-page screenshot; an agent gets the 403 page and no admin navigation.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithBrowser, roleEmail, saveScreenshot, signIn } from '../helpers/browser.js';
import { type ConsoleApp, startConsoleApp } from '../helpers/console-app.js';

const ADMIN_PAGES = ['connections', 'workflows', 'runs', 'rate', 'audit'] as const;

describeWithBrowser('console in Chromium: admin pages', (session) => {
  let parley: ConsoleApp;
  let baseUrl: string;

  beforeAll(async () => {
    parley = await startConsoleApp('sqlite', { attendees: 3 });
    baseUrl = await parley.listen();
  });

  afterAll(async () => {
    await parley?.close();
  });

  // Each page is also saved as a full-page screenshot, for a person to look over.
  it('opens every admin page for an admin', async () => {
    const page = await session.newPage();
    await signIn(page, baseUrl, roleEmail('admin'));
    for (const name of ADMIN_PAGES) {
      const response = await page.goto(`${baseUrl}/console/admin/${name}`);
      expect(response?.status(), name).toBe(200);
      expect((await page.getByRole('heading', { level: 1 }).textContent())?.trim(), name).toBeTruthy();
      await saveScreenshot(page, `admin-${name}`);
    }
  });

  it('marks each admin page current in the navigation', async () => {
    const page = await session.newPage();
    await signIn(page, baseUrl, roleEmail('admin'));
    for (const name of ADMIN_PAGES) {
      await page.goto(`${baseUrl}/console/admin/${name}`);
      const current = page.getByRole('navigation', { name: 'Main' }).locator('[aria-current="page"]');
      expect(await current.getAttribute('href'), name).toBe(`/console/admin/${name}`);
    }
  });

  it('shows an agent no admin navigation', async () => {
    const page = await session.newPage();
    await signIn(page, baseUrl, roleEmail('agent'));
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).count()).toBe(
      0,
    );
  });

  it('shows an agent the 403 page on an admin URL', async () => {
    const page = await session.newPage();
    await signIn(page, baseUrl, roleEmail('agent'));
    const response = await page.goto(`${baseUrl}/console/admin/audit`);
    expect(response?.status()).toBe(403);
    expect(await page.getByText('may not open this page').count()).toBe(1);
  });
});
