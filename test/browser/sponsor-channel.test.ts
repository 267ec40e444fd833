/**
 * The sponsor channel as a sponsor's staff member meets it in real Chromium: an attendee writes to the
 * event naming Acme (the HighLevel sandbox's signed webhook, through parley's worker), Acme's console
 * user signs in, finds the attendee's conversation in their search, opens it, replies from the thread
 * page, and the reply lands in the attendee's conversation in HighLevel. Screenshot: sponsor-channel.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithBrowser, roleEmail, saveScreenshot, signIn } from '../helpers/browser.js';
import { type SponsorWorld, startSponsorWorld } from '../pipeline/sponsor-world.js';

describeWithBrowser('console in Chromium: a sponsor answers an attendee in the sponsor channel', (session) => {
  let world: SponsorWorld;
  let baseUrl: string;
  let conversationId: string;
  const question = 'Hi ACME, do you still have demo slots this afternoon?';

  beforeAll(async () => {
    world = await startSponsorWorld('sqlite', {
      attendees: 3,
      config: { sponsor: { sponsors: [{ name: 'Acme', keyword: 'ACME', staff: [roleEmail('sponsor')] }] } },
    });
    baseUrl = await world.parley.listen();
    const row = await world.parley.deps.db
      .selectFrom('index_conversations')
      .select('conversation_id')
      .where('contact_phone', 'is not', null)
      .orderBy('conversation_id')
      .executeTakeFirstOrThrow();
    conversationId = row.conversation_id;
    await world.attendeeWrites(conversationId, question);
  });

  afterAll(async () => {
    await world?.close();
  });

  it('finds the attendee’s conversation, opens it, replies, and HighLevel has the reply in that conversation', async () => {
    const page = await session.newPage();
    await signIn(page, baseUrl, roleEmail('sponsor'));
    await page.goto(`${baseUrl}/console`);
    const results = page.locator('ol.results > li');
    expect(await results.count()).toBe(1);
    const link = results.first().getByRole('link').first();
    expect(await link.getAttribute('href')).toBe(`/console/conversations/${encodeURIComponent(conversationId)}`);

    await link.click();
    await page.waitForURL(`**/console/conversations/${encodeURIComponent(conversationId)}`);
    await expect.poll(() => page.locator('ol.messages').getByText(question).count()).toBe(1);

    const answer = `Acme here: 2pm or 4pm at booth 12 (${Date.now().toString(36)})`;
    await page.getByLabel('Send as').selectOption('SMS');
    await page.getByLabel('Message', { exact: true }).fill(answer);
    // The form reloads the page itself once the API answers (data-reload); wait for that load.
    const reloaded = page.waitForEvent('load');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await expect
      .poll(() => world.sandboxThread(conversationId).filter((m) => m.body === answer && m.direction === 'outbound'))
      .toHaveLength(1);
    await reloaded;

    await world.settled();
    await page.goto(`${baseUrl}/console/conversations/${encodeURIComponent(conversationId)}`);
    await expect.poll(() => page.locator('ol.messages').getByText(answer).count()).toBe(1);
    await saveScreenshot(page, 'sponsor-channel');
  });
});
