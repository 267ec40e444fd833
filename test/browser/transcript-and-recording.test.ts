/**
 * A call in real Chromium: from the thread to the transcript page, the plain-text download (the file
 * Chromium saved is read back), and the recording played by the page's <audio> element through
 * GET /api/messages/:id/recording. Signed in as a viewer: reading calls is every role's right.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithBrowser, roleEmail, saveScreenshot, signIn } from '../helpers/browser.js';
import { type ConsoleApp, startConsoleApp } from '../helpers/console-app.js';

describeWithBrowser('console in Chromium: call transcript and recording', (session) => {
  let parley: ConsoleApp;
  let baseUrl: string;
  let call: { messageId: string; conversationId: string; sentences: string[] };

  beforeAll(async () => {
    parley = await startConsoleApp('sqlite', { attendees: 3 });
    baseUrl = await parley.listen();
    const row = await parley.deps.db
      .selectFrom('index_messages')
      .select(['message_id', 'conversation_id'])
      .where('has_recording', '=', 1)
      .executeTakeFirstOrThrow();
    const stored = parley.sandbox.sandbox.domain?.state.messages.get(row.message_id);
    const sentences = (stored?.transcript ?? []).map((sentence) => String(sentence.transcript ?? ''));
    expect(sentences.length).toBeGreaterThan(0);
    call = { messageId: row.message_id, conversationId: row.conversation_id, sentences };
  });

  afterAll(async () => {
    await parley?.close();
  });

  async function openTranscript() {
    const page = await session.newPage();
    await signIn(page, baseUrl, roleEmail('viewer'));
    await page.goto(`${baseUrl}/console/conversations/${encodeURIComponent(call.conversationId)}`);
    await page.getByRole('link', { name: 'Call transcript' }).click();
    await page.waitForURL(`**/console/messages/${encodeURIComponent(call.messageId)}/transcript`);
    return page;
  }

  it('shows every sentence HighLevel transcribed, in order, on the transcript opened from the thread', async () => {
    const page = await openTranscript();
    const shown = (await page.locator('ol.transcript .text').allTextContents()).map((text) => text.trim());
    expect(shown).toEqual(call.sentences);
    await saveScreenshot(page, 'transcript');
  });

  it('downloads the transcript as a text file holding every sentence', async () => {
    const page = await openTranscript();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: /download transcript/i }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.txt$/);
    const text = await readFile(await download.path(), 'utf8');
    let position = 0;
    for (const sentence of call.sentences) {
      const found = text.indexOf(sentence, position);
      expect(found, `"${sentence}" after offset ${position}`).toBeGreaterThanOrEqual(0);
      position = found + sentence.length;
    }
  });

  it("plays the call recording in the page's player", async () => {
    const page = await openTranscript();
    const responded = page.waitForResponse((response) => response.url().includes('/recording'));
    const played = await page.evaluate(
      `document.querySelector('audio').play().then(() => 'playing', (error) => 'failed: ' + error.message)`,
    );
    expect(played).toBe('playing');
    const response = await responded;
    expect([200, 206]).toContain(response.status());
    expect(response.headers()['content-type']).toMatch(/^audio\//);
    await expect
      .poll(() =>
        page.evaluate(
          `(() => { const a = document.querySelector('audio'); return a.readyState >= 2 || a.currentTime > 0; })()`,
        ),
      )
      .toBe(true);
  });
});
