/**
 * The Users page in real Chromium: an admin disables a user who is signed in in another browser, and
 * that user's open session ends at once (their next page load goes to the sign-in page, their next
 * API call is 401). Screenshots of the page before and after.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeWithBrowser, roleEmail, saveScreenshot, signIn } from '../helpers/browser.js';
import { type ConsoleApp, startConsoleApp } from '../helpers/console-app.js';

describeWithBrowser('console in Chromium: Users page', (session) => {
  let parley: ConsoleApp;
  let baseUrl: string;

  // Each test disables the same agent, so each gets a console of its own.
  beforeEach(async () => {
    parley = await startConsoleApp('sqlite', { attendees: 2 });
    baseUrl = await parley.listen();
  });

  afterEach(async () => {
    await parley?.close();
  });

  /** Signs the agent in in one browser page, then has an admin disable them on the Users page in another. */
  async function disableSignedInAgent() {
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
    return { agentPage, adminPage, agentRow };
  }

  it('disables an agent from the Users page', async () => {
    const { adminPage, agentRow } = await disableSignedInAgent();
    expect((await agentRow.locator('.admin-status').first().textContent())?.trim()).toBe('disabled');
    await saveScreenshot(adminPage, 'admin-users-disabled');
  });

  it("ends a disabled agent's open session in another browser at once", async () => {
    const { agentPage } = await disableSignedInAgent();
    // The agent's browser still holds its cookie; the server no longer honours it.
    const status = await agentPage.evaluate(`fetch('/api/me', { credentials: 'same-origin' }).then((r) => r.status)`);
    expect(status).toBe(401);
    await agentPage.reload();
    expect(new URL(agentPage.url()).pathname).toBe('/console/login');
  });
});
