/**
 * The Marketplace admin page in real Chromium: an admin sees the active subscriptions grouped by
 * location and the recent firings with their result, its nav entry is current, and the page is saved
 * as a full-page screenshot; the next-page link keeps the status filter.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithBrowser, roleEmail, saveScreenshot, signIn } from '../helpers/browser.js';
import { type ConsoleApp, startConsoleApp } from '../helpers/console-app.js';

const T0 = Date.UTC(2026, 11, 1, 9);

describeWithBrowser('console in Chromium: Marketplace page', (session) => {
  let parley: ConsoleApp;
  let baseUrl: string;

  beforeAll(async () => {
    parley = await startConsoleApp('sqlite', { attendees: 1, sync: false });
    baseUrl = await parley.listen();
    const { db } = parley.deps;
    await db
      .insertInto('marketplace_subscriptions')
      .values({
        trigger_id: 'trigger-vip',
        trigger_key: 'accelevents_attendee_registered',
        location_id: 'loc-a',
        workflow_id: 'workflow-vip',
        company_id: 'company-1',
        target_url: 'https://services.leadconnectorhq.com/workflows-marketplace/triggers/execute/loc-a/trigger-vip',
        filters: JSON.stringify([{ field: 'ticket.type', operator: '==', value: 'VIP' }]),
        status: 'active',
        created_at: T0,
        updated_at: T0,
      })
      .execute();
    // 60 failed firings: more than one page of 50.
    await db
      .insertInto('marketplace_firings')
      .values(
        Array.from({ length: 60 }, (_, i) => ({
          id: `firing-${String(i).padStart(2, '0')}`,
          trigger_id: 'trigger-vip',
          trigger_key: 'accelevents_attendee_registered',
          event_key: `registration:summit:vip${i}@example.com`,
          location_id: 'loc-a',
          status: 'failed' as const,
          attempts: 5,
          last_error: 'HTTP 503 from the targetUrl',
          http_status: 503,
          created_at: T0 + i * 1_000,
          sent_at: null,
        })),
      )
      .execute();
  });

  afterAll(async () => {
    await parley?.close();
  });

  it('shows an admin the subscriptions per location and the firings with their result', async () => {
    const page = await session.newPage();
    await signIn(page, baseUrl, roleEmail('admin'));
    const response = await page.goto(`${baseUrl}/console/admin/marketplace?status=failed`);
    expect(response?.status()).toBe(200);
    const current = page.getByRole('navigation', { name: 'Main' }).locator('[aria-current="page"]');
    expect(await current.getAttribute('href')).toBe('/console/admin/marketplace');
    expect(await page.getByRole('table', { name: /Location loc-a: 1 subscription/ }).count()).toBe(1);
    const firings = page.getByRole('table', { name: /Firings, newest first/ });
    expect(await firings.getByRole('row').count()).toBe(51);
    expect(await firings.getByText('HTTP 503 from the targetUrl').count()).toBe(50);
    await saveScreenshot(page, 'admin-marketplace');
    await page.getByRole('link', { name: 'Next page' }).click();
    // The next page has loaded (not just its URL committed) before its rows are counted.
    await page.waitForURL(/[?&]cursor=/, { waitUntil: 'load' });
    expect(new URL(page.url()).searchParams.get('status')).toBe('failed');
    await expect
      .poll(() =>
        page
          .getByRole('table', { name: /Firings, newest first/ })
          .getByRole('row')
          .count(),
      )
      .toBe(11);
  });
});
