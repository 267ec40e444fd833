/**
 * The Mapping page in real Chromium, end to end: the Accelevents sandbox sends a registration in a
 * layout parley does not know (the email under buyer.contact.mail), so it is kept as ignored. An admin
 * opens Mapping, opens the delivery, clicks the email in the payload tree, says it is the email, sees
 * the preview accept it, saves, reprocesses the affected delivery, and the worker welcomes the attendee
 * once in the HighLevel sandbox. Screenshots admin-mapping, admin-mapping-chooser, admin-mapping-preview,
 * admin-mapping-saved, admin-mapping-reprocessed and admin-mapping-processed; an unknown topic value mapped
 * to a trigger the same way, admin-mapping-topic.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AcceleventsSandbox } from '../../src/sandbox/accelevents/create-sandbox.js';
import { SUMMIT, startSandbox } from '../accelevents/sandbox-fixture.js';
import { eventually, type ParleyWorld, startParleyWorld } from '../console/api/parley-world.js';
import { describeWithBrowser, roleEmail, saveScreenshot, signIn } from '../helpers/browser.js';
import { drained } from '../jobs/pipeline-world.js';

const EMAIL = 'mira.unmapped@example.com';
const VALUE_BUTTON = `buyer.contact.mail: "${EMAIL}"`;

describeWithBrowser('console in Chromium: mapping a new payload layout', (session) => {
  let world: ParleyWorld;
  let accelevents: AcceleventsSandbox;
  let deliveryId: string;

  beforeAll(async () => {
    world = await startParleyWorld('sqlite', { attendees: 1 });
    accelevents = await startSandbox({
      webhookUrl: world.hookUrl,
      payloadShape: (facts) => ({
        topic: facts.topic,
        eventUrl: facts.event.eventUrl,
        buyer: { contact: { mail: facts.attendee.email, first: facts.attendee.firstName } },
      }),
    });
    accelevents.state.register({ eventUrl: SUMMIT, firstName: 'Mira', lastName: 'Okafor', email: EMAIL });
    await accelevents.flush();
    const row = await eventually('the registration to be stored', async () =>
      world.deps.db
        .selectFrom('inbox')
        .select(['id', 'status', 'reason_code'])
        .where('source', '=', 'accelevents')
        .executeTakeFirst(),
    );
    expect(row).toMatchObject({ status: 'ignored', reason_code: 'no_attendee' });
    deliveryId = row.id;
  });

  afterAll(async () => {
    await accelevents?.close();
    await world?.close();
  });

  function welcomes(): number {
    const state = world.sandbox.sandbox.domain!.state;
    const contact = state.contacts.findByEmail(world.locationId, EMAIL);
    if (!contact) return 0;
    return state.messages
      .inLocation(world.locationId)
      .filter((m) => m.direction === 'outbound' && m.contactId === contact.id).length;
  }

  async function openMapping(): Promise<Page> {
    const page = await session.newPage();
    await signIn(page, world.url, roleEmail('admin'));
    await page.goto(`${world.url}/console/admin/mapping`);
    return page;
  }

  it('lists the ignored delivery with its reason, and marks Mapping current in the navigation', async () => {
    const page = await openMapping();
    const row = page.locator(`tr[data-delivery-row="${deliveryId}"]`);
    expect(await row.locator('[data-cell="status"]').textContent()).toBe('ignored');
    expect(await row.locator('[data-cell="reason"]').textContent()).toContain('no_attendee');
    const current = page.getByRole('navigation', { name: 'Main' }).locator('[aria-current="page"]');
    expect(await current.getAttribute('href')).toBe('/console/admin/mapping');
    expect(await page.getByRole('button', { name: /^Reprocess/ }).count()).toBe(0);
    await saveScreenshot(page, 'admin-mapping');
  });

  it('maps the email by clicking it, saves, reprocesses, and the attendee is welcomed once', async () => {
    const page = await openMapping();
    await page.getByRole('button', { name: `Open delivery ${deliveryId}` }).click();
    const preview = page.locator('#mapping-preview');
    await preview.getByText('Still ignored').waitFor();

    await page.getByRole('button', { name: VALUE_BUTTON }).click();
    const chooser = page.getByRole('dialog', { name: 'What is this value?' });
    await chooser.waitFor();
    expect(await chooser.locator('#chooser-path').textContent()).toBe('buyer.contact.mail');
    await chooser.getByLabel('It is').selectOption('field:email');
    await saveScreenshot(page, 'admin-mapping-chooser');
    await chooser.getByRole('button', { name: 'Assign' }).click();

    await preview.getByText('Would be accepted').waitFor();
    const emailRow = preview.getByRole('row', { name: /^Email / });
    expect(await emailRow.textContent()).toContain(EMAIL);
    expect(await emailRow.textContent()).toContain('buyer.contact.mail');
    await page.locator('.json-tag', { hasText: 'Email' }).waitFor();
    await saveScreenshot(page, 'admin-mapping-preview');

    await page.getByRole('button', { name: 'Save mapping' }).click();
    const reprocess = page.getByRole('button', { name: 'Reprocess 1 affected delivery' });
    await reprocess.waitFor();
    expect(await page.locator('#mapping-status').textContent()).toContain('Saved.');
    expect(welcomes()).toBe(0);
    await saveScreenshot(page, 'admin-mapping-saved');

    await reprocess.click();
    await page.getByText('Reprocessed 1 delivery: 1 queued').waitFor();
    expect(await page.locator(`tr[data-delivery-row="${deliveryId}"] [data-cell="status"]`).textContent()).toBe(
      'received',
    );
    await saveScreenshot(page, 'admin-mapping-reprocessed');
    await drained(world.pipeline);
    expect(welcomes()).toBe(1);
    const row = await world.deps.db
      .selectFrom('inbox')
      .select(['status', 'reason_code'])
      .where('id', '=', deliveryId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'processed', reason_code: null });
    await page.reload();
    expect(await page.locator(`tr[data-delivery-row="${deliveryId}"] [data-cell="status"]`).textContent()).toBe(
      'processed',
    );
    await page.getByRole('button', { name: `Open delivery ${deliveryId}` }).click();
    await preview.getByText('Stored now as processed').waitFor();
    await saveScreenshot(page, 'admin-mapping-processed');
  });

  it('shows the saved mapping to the next admin who opens the page', async () => {
    const page = await openMapping();
    const draft = page.locator('#mapping-draft');
    await draft.getByText('buyer.contact.mail').waitFor();
    expect(await page.locator('#mapping-saved-by').textContent()).toContain(roleEmail('admin'));
    expect(await page.getByRole('button', { name: 'Save mapping' }).isDisabled()).toBe(true);
  });

  it('maps an unknown topic value to a trigger by clicking it, and previews it as accepted', async () => {
    const body = { topic: 'guest.signed_up', eventUrl: SUMMIT, email: 'noor.topic@example.com' };
    const response = await fetch(world.hookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const stored = ((await response.json()) as { deliveries: { id: string; reasonCode: string }[] }).deliveries[0]!;
    expect(stored.reasonCode).toBe('topic_not_recognised');

    const page = await openMapping();
    await page.getByRole('button', { name: `Open delivery ${stored.id}` }).click();
    const preview = page.locator('#mapping-preview');
    await preview.getByText('Still ignored').waitFor();
    await page.getByRole('button', { name: 'topic: "guest.signed_up"' }).click();
    const chooser = page.getByRole('dialog', { name: 'What is this value?' });
    await chooser.waitFor();
    // A topic value opens on the triggers, registration first.
    expect(await chooser.getByLabel('It is').inputValue()).toBe('alias:registration');
    await chooser.getByRole('button', { name: 'Assign' }).click();

    await preview.getByText('Would be accepted').waitFor();
    expect(await preview.getByRole('row', { name: /^Topic / }).textContent()).toContain('by alias');
    expect(await page.locator('#mapping-draft').textContent()).toContain('"guest.signed_up" means a registration');
    await saveScreenshot(page, 'admin-mapping-topic');
  });

  it('shows an agent the 403 page on the Mapping URL', async () => {
    const page = await session.newPage();
    await signIn(page, world.url, roleEmail('agent'));
    const response = await page.goto(`${world.url}/console/admin/mapping`);
    expect(response?.status()).toBe(403);
  });
});
