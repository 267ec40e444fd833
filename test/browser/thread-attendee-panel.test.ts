/**
 * The attendee panel in real Chromium: an attendee registers through parley's intake route, the worker
 * welcomes them in the HighLevel sandbox, and an admin who opens the conversation sees who they are in
 * Accelevents (attendee id, event, ticket type, check-in, preferences) and follows a workflow run to its
 * page, and deletes a note a HighLevel workflow added. Screenshot thread-attendee-panel.
 */
import type { Selectable } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { saveAnswer } from '../../src/preferences/preference-rows.js';
import type { AttendeeLinksTable } from '../../src/store/schema.js';
import { eventually, type ParleyWorld, startParleyWorld } from '../console/api/parley-world.js';
import { insertNote } from '../helpers/attendee-notes.js';
import { describeWithBrowser, roleEmail, saveScreenshot, signIn } from '../helpers/browser.js';
import { post, registrationBody } from '../jobs/pipeline-world.js';

describeWithBrowser('console in Chromium: attendee panel', (session) => {
  let world: ParleyWorld;
  let link: Selectable<AttendeeLinksTable>;

  beforeAll(async () => {
    world = await startParleyWorld('sqlite', { attendees: 1 });
    expect(await post(world.hookUrl, registrationBody(7, 'panel'))).toBe(202);
    link = await eventually('the welcome to be linked', async () => {
      const row = await world.deps.db
        .selectFrom('attendee_links')
        .selectAll()
        .where('welcome_message_id', 'is not', null)
        .executeTakeFirst();
      return row ?? undefined;
    });
    // The attendee checks in and answers the check-in question (as checkin-welcome would record).
    await world.deps.db
      .insertInto('attendee_links')
      .values({ ...link, event_key: `check-in:${link.event_key}`, created_at: Date.now(), updated_at: Date.now() })
      .execute();
    await saveAnswer(world.deps.db, {
      locationId: link.location_id,
      contactId: link.contact_id ?? '',
      key: 'updates',
      value: 'workshops',
      raw: '2 please',
      now: Date.now(),
    });
  });

  afterAll(async () => {
    await world?.close();
  });

  /** Opens the attendee's conversation as an admin; answers the page and its Attendee panel. */
  async function openPanel() {
    const page = await session.newPage();
    await signIn(page, world.url, roleEmail('admin'));
    await page.goto(`${world.url}/console/conversations/${encodeURIComponent(link.conversation_id ?? '')}`);
    const panel = page.getByRole('region', { name: 'Attendee' });
    await panel.waitFor();
    return { page, panel };
  }

  it('shows an admin who the attendee is in Accelevents', async () => {
    const { page, panel } = await openPanel();
    const facts = async (term: string) =>
      (await panel.locator(`dt:text-is("${term}") + dd`).first().textContent())?.trim();
    expect(await facts('Accelevents attendee id')).toBe(link.attendee_id);
    expect(await facts('Event')).toBe('DevConf 2026');
    expect(await facts('Ticket type')).toBe('General Admission');
    expect(await facts('Check-in')).toMatch(/^checked in \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/);
    expect(await facts('updates')).toContain('workshops');
    await panel.scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'thread-attendee-panel');
  });

  it("links each of the attendee's workflow runs to its page", async () => {
    const { page, panel } = await openPanel();
    await panel.getByRole('link', { name: 'registration-welcome' }).click();
    await page.waitForURL(/\/console\/admin\/runs\/[^/]+$/);
    expect(await page.locator('h1').textContent()).toBe('Run of registration-welcome');
    await expect.poll(() => page.locator('ol.run-steps > li.run-step').count()).toBeGreaterThan(3);
  });

  it('deletes a note after the admin confirms, and the panel no longer lists it', async () => {
    await insertNote(world.deps.db, {
      id: 'note-browser',
      locationId: link.location_id,
      contactId: link.contact_id ?? '',
      attendeeId: link.attendee_id,
      eventKey: link.event_key,
      body: 'Asked twice about parking',
      source: 'marketplace:wf-parking',
      createdAt: Date.now(),
    });
    const { page, panel } = await openPanel();
    const note = panel.locator('ul.attendee-notes > li', { hasText: 'Asked twice about parking' });
    await note.waitFor();
    page.once('dialog', (dialog) => void dialog.accept());
    await note.getByRole('button', { name: 'Delete note' }).click();
    await expect.poll(() => panel.getByText('Asked twice about parking').count()).toBe(0);
    const left = await world.deps.db
      .selectFrom('attendee_notes')
      .select('id')
      .where('id', '=', 'note-browser')
      .execute();
    expect(left).toEqual([]);
  });
});
