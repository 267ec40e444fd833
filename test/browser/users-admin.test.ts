/**
 * The Users page in real Chromium: an admin disables a user who is signed in in another browser, and
 * that user's open session ends at once (their next page load goes to the sign-in page, their next
 * API call is 401). Screenshots of the page before and after.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithBrowser, roleEmail, saveScreenshot, signIn } from '../helpers/browser.js';
import { type ConsoleApp, startConsoleApp } from '../helpers/console-app.js';

describeWithBrowser('console in Chromium: Users page', (session) => {
  let parley: ConsoleApp;
  let baseUrl: string;

  beforeAll(async () => {
    parley = await startConsoleApp('sqlite', { attendees: 2 });
    baseUrl = await parley.listen();
  });

  afterAll(async () => {
    await parley?.close();
  });

  it('disables an agent whose session is open in another browser, and that session ends at once', async () => {
    const agentPage = await session.newPage();
    await signIn(agentPage, baseUrl, roleEmail('agent'));
    expect((await agentPage.goto(`${baseUrl}/console`))?.status()).toBe(200);

    const adminPage = await session.newPage();
    // The disable form asks for confirmation first; the admin says yes.
    adminPage.on('dialog', (dialog) => void dialog.accept());
    await signIn(adminPage, baseUrl, roleEmail('admin'));
    await adminPage.goto(`${baseUrl}/console/admin/users`);
    await adminPage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).waitFor();
    const agentRow = adminPage.locator(`tr[data-user="${roleEmail('agent')}"]`);
    expect((await agentRow.locator('.admin-status').first().textContent())?.trim()).toBe('active');
    await saveScreenshot(adminPage, 'admin-users');

    await adminPage.getByRole('button', { name: `Disable ${roleEmail('agent')}` }).click();
    await adminPage.getByRole('button', { name: `Enable ${roleEmail('agent')}` }).waitFor();
    expect((await agentRow.locator('.admin-status').first().textContent())?.trim()).toBe('disabled');
    await saveScreenshot(adminPage, 'admin-users-disabled');

    // The agent's browser still holds its cookie; the server no longer honours it.
    const status = await agentPage.evaluate(`fetch('/api/me', { credentials: 'same-origin' }).then((r) => r.status)`);
    expect(status).toBe(401);
    await agentPage.reload();
    expect(new URL(agentPage.url()).pathname).toBe('/console/login');
  });
});
