/**
 * The sponsor channel as a sponsor's staff member meets it in real Chromium: an attendee writes to the
 * event naming Acme (the HighLevel sandbox's signed webhook, through parley's worker), Acme's console
 * user signs in, finds the attendee's conversation in their search, opens it, replies from the thread
 * page, and the reply lands in the attendee's conversation in HighLevel. Screenshot: sponsor-channel.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithBrowser, roleEmail, saveScreenshot, signIn } from '../helpers/browser.js';
import { type SponsorWorld, startSponsorWorld } from '../jobs/sponsor-world.js';

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

  /** Signs in as Acme's staff member and opens their search page. */
  async function sponsorSearch() {
    const page = await session.newPage();
    await signIn(page, baseUrl, roleEmail('sponsor'));
    await page.goto(`${baseUrl}/console`);
    const results = page.locator('ol.results > li');
    return { page, results, link: results.first().getByRole('link').first() };
  }

  /** Opens the attendee's conversation from the sponsor's search results. */
  async function openFromSearch() {
    const { page, link } = await sponsorSearch();
    await link.click();
    await page.waitForURL(`**/console/conversations/${encodeURIComponent(conversationId)}`);
    return page;
  }

  /** Replies from the open thread as SMS; answers the text sent and the page's own reload. */
  async function replyFromThread(page: Awaited<ReturnType<typeof openFromSearch>>) {
    const answer = `Acme here: 2pm or 4pm at booth 12 (${Date.now().toString(36)})`;
    await page.getByLabel('Send as').selectOption('SMS');
    await page.getByLabel('Message', { exact: true }).fill(answer);
    // The form reloads the page itself once the API answers (data-reload); wait for that load.
    const reloaded = page.waitForEvent('load');
    await page.getByRole('button', { name: 'Send reply' }).click();
    return { answer, reloaded };
  }

  const sentToHighLevel = (answer: string) =>
    world.sandboxThread(conversationId).filter((m) => m.body === answer && m.direction === 'outbound');

  it('lists the attendee’s conversation in the sponsor’s search', async () => {
    const { results, link } = await sponsorSearch();
    expect(await results.count()).toBe(1);
    expect(await link.getAttribute('href')).toBe(`/console/conversations/${encodeURIComponent(conversationId)}`);
  });

  it('opens the attendee’s conversation from the search with their question', async () => {
    const page = await openFromSearch();
    await expect.poll(() => page.locator('ol.messages').getByText(question).count()).toBe(1);
  });

  it('sends the sponsor’s reply into the attendee’s conversation in HighLevel', async () => {
    const page = await openFromSearch();
    const { answer, reloaded } = await replyFromThread(page);
    await expect.poll(() => sentToHighLevel(answer)).toHaveLength(1);
    await reloaded;
  });

  it('shows the sponsor’s reply in the thread once parley has processed it', async () => {
    const page = await openFromSearch();
    const { answer, reloaded } = await replyFromThread(page);
    await expect.poll(() => sentToHighLevel(answer)).toHaveLength(1);
    await reloaded;

    await world.settled();
    await page.goto(`${baseUrl}/console/conversations/${encodeURIComponent(conversationId)}`);
    await expect.poll(() => page.locator('ol.messages').getByText(answer).count()).toBe(1);
    await saveScreenshot(page, 'sponsor-channel');
  });
});
