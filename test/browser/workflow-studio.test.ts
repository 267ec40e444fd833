/**
 * The workflow studio in real Chromium, end to end through both sandboxes. An organizer builds the
 * VIP check-in workflow by clicking (a condition on the ticket type, a contact, its conversation and an
 * Email step whose subject and body take the attendee's first name from chips) and typing only plain
 * text; previews the message against a sample attendee; tests it against the HighLevel sandbox and
 * sees each step's input and output; publishes version 1. A VIP check-in in the Accelevents sandbox
 * then runs it exactly once (one email in the HighLevel sandbox), a general admission check-in is
 * skipped, and the organizer opens the run. They edit it into version 2, read the diff, and restore
 * version 1 as version 3. A workflow started from the check-in built-in shows its question as a table
 * of options whose texts preview live. On a live HighLevel account, publishing a workflow that sends
 * asks for a sandbox test first, and publishes the tested draft; a connection lacking a scope the
 * workflow needs is named with the scope, and the list warns that the published copy sends beside the
 * built-in. Screenshots
 * (test-artifacts/screenshots/): studio-list, studio-editor-built, studio-preview, studio-test,
 * studio-published, studio-list-after-run, studio-run, studio-diff, studio-restored, studio-question,
 * studio-scope-warning, studio-test-required, studio-list-double-send.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AcceleventsSandbox } from '../../src/sandbox/accelevents/create-sandbox.js';
import { SUMMIT, startSandbox } from '../accelevents/sandbox-fixture.js';
import { eventually, type ParleyWorld, startParleyWorld } from '../console/api/parley-world.js';
import { describeWithBrowser, roleEmail, saveScreenshot, signIn } from '../helpers/browser.js';
import { drained } from '../jobs/pipeline-world.js';

const NAME = 'vip-checkin';
const EDITOR = `/console/studio/workflows/${NAME}`;
const VIP = { firstName: 'Vera', lastName: 'Ionescu', email: 'vera.vip@example.com' };
const GENERAL = { firstName: 'Gus', lastName: 'Moreau', email: 'gus.general@example.com' };
const BODY_V1 = 'your VIP pass opens the lounge on level 2.';
const BODY_V2 = 'your VIP pass opens the lounge on level 3.';

describeWithBrowser('console in Chromium: the workflow studio', (session) => {
  let world: ParleyWorld;
  let accelevents: AcceleventsSandbox;
  const barcodes = new Map<string, string>();

  beforeAll(async () => {
    world = await startParleyWorld('sqlite', { attendees: 1 });
    accelevents = await startSandbox({ webhookUrl: world.hookUrl });
    for (const [person, ticketType] of [
      [VIP, 'VIP'],
      [GENERAL, 'General Admission'],
    ] as const) {
      const { ticket } = accelevents.state.register({ eventUrl: SUMMIT, ...person, ticketType });
      barcodes.set(person.email, ticket.barcode);
    }
    await accelevents.flush();
    await drained(world.pipeline);
  });

  afterAll(async () => {
    await accelevents?.close();
    await world?.close();
  });

  async function signedIn(path: string): Promise<Page> {
    const page = await session.newPage();
    await signIn(page, world.url, roleEmail('admin'));
    await page.goto(`${world.url}${path}`);
    return page;
  }

  /** Emails in the HighLevel sandbox whose body carries `text`. */
  function emailsWith(text: string): number {
    const state = world.sandbox.sandbox.domain!.state;
    return state.messages
      .inLocation(world.locationId)
      .filter((m) => m.direction === 'outbound' && JSON.stringify(m).includes(text)).length;
  }

  async function vipRuns() {
    return world.deps.db
      .selectFrom('workflow_runs')
      .select(['id', 'status', 'version', 'input'])
      .where('workflow', '=', NAME)
      .orderBy('started_at')
      .execute();
  }

  /** The editor is inert until its draft is loaded. */
  async function editorReady(page: Page): Promise<void> {
    await page.locator('#studio-editor:not([aria-busy])').waitFor();
  }

  async function insert(page: Page, path: string): Promise<void> {
    await page.getByRole('button', { name: `Insert ${path}`, exact: true }).click();
  }

  it('builds the VIP check-in workflow with clicks and plain text only', async () => {
    const page = await signedIn('/console/studio');
    await page.getByRole('table').waitFor();
    const current = page.getByRole('navigation', { name: 'Main' }).locator('[aria-current="page"]');
    expect(await current.getAttribute('href')).toBe('/console/studio');
    await saveScreenshot(page, 'studio-list');

    await page.getByRole('link', { name: 'Start from scratch' }).click();
    await page.waitForURL(/\/console\/studio\/new$/);
    await editorReady(page);
    await page.getByLabel('Workflow name').fill(NAME);
    await page.getByLabel('Description').fill('A VIP welcome at check-in, by email');
    await page.getByLabel('Trigger').selectOption('accelevents.check_in');
    await page.getByLabel('Sample').selectOption('attendee-email-only');
    await page.locator('#sample-data').getByText('VIP Pass').waitFor();

    await page.getByRole('button', { name: 'Add condition' }).click();
    const condition = page.getByRole('group', { name: 'Condition 1' });
    await condition.getByLabel('Field').selectOption('attendee.ticketType');
    await condition.getByLabel('Compare').selectOption('contains');
    await condition.getByLabel('Value').fill('VIP');
    expect(await condition.locator('.condition-text').textContent()).toBe(
      "Stored as attendee.ticketType contains 'VIP'",
    );

    const actions: [string, string][] = [
      ['contact', 'Create or update contact'],
      ['conversation', "Find or create the contact's conversation"],
      ['send a new', 'Send a new message'],
    ];
    for (const [search, title] of actions) {
      await page.getByRole('button', { name: 'Add step' }).click();
      const picker = page.getByRole('dialog', { name: 'Add a step' });
      await picker.getByLabel('Search actions').fill(search);
      await picker.getByRole('button', { name: title, exact: true }).click();
    }
    const contact = page.getByRole('region', { name: 'Step 1: Create or update contact' });
    expect(await contact.getByLabel('Email', { exact: true }).inputValue()).toBe('{{ attendee.email }}');
    const send = page.getByRole('region', { name: 'Step 3: Send a new message' });
    expect(await send.getByLabel('Contact', { exact: true }).inputValue()).toBe('{{ steps.contact.id }}');
    expect(await send.getByLabel('Conversation', { exact: true }).inputValue()).toBe('{{ steps.conversation.id }}');
    await send.getByLabel('Channel', { exact: true }).selectOption('Email');
    await send.getByLabel('Subject', { exact: true }).click();
    await page.keyboard.type('Welcome to the VIP lounge, ');
    await insert(page, 'attendee.firstName');

    await page.getByLabel('New message named').fill('vip_email');
    await page.getByRole('button', { name: 'Add message' }).click();
    await page.getByRole('textbox', { name: 'Message vip_email' }).click();
    await page.keyboard.type('Hi ');
    await insert(page, 'attendee.firstName');
    await page.keyboard.type(`, ${BODY_V1}`);
    await send.getByLabel('Email body', { exact: true }).click();
    await insert(page, 'templates.vip_email');
    expect(await send.getByLabel('Email body', { exact: true }).inputValue()).toBe('{{ templates.vip_email }}');
    await saveScreenshot(page, 'studio-editor-built');

    // Preview (stage 2 starts on the same page, so the draft needs no saving in between).
    const preview = page.locator('[data-template-preview="vip_email"]');
    await preview.getByText(`Hi Jonas, ${BODY_V1}`).waitFor();
    await send.locator('[data-step-preview]').getByText('Welcome to the VIP lounge, Jonas').waitFor();
    await saveScreenshot(page, 'studio-preview');

    await page.getByText('Runs against the sandbox — nothing is sent to attendees').waitFor();
    await page.getByRole('button', { name: 'Test', exact: true }).click();
    const result = page.locator('#test-result');
    await result.getByText('Test result (sandbox)').waitFor();
    expect(await result.getByText('Completed: every step ran.').count()).toBe(1);
    for (const step of ['contact', 'conversation', 'message']) {
      const item = result.locator(`[data-test-step="${step}"]`);
      expect(await item.locator('.admin-status').textContent(), step).toBe('completed');
      expect(await item.locator('pre.payload').count(), step).toBe(2);
    }
    const sent = await result.locator('[data-test-step="message"] pre.payload').first().textContent();
    expect(JSON.parse(sent!)).toMatchObject({ type: 'Email', subject: 'Welcome to the VIP lounge, Jonas' });
    expect(await result.locator('[data-test-step="message"] pre.payload').nth(1).textContent()).toContain('messageId');
    await saveScreenshot(page, 'studio-test');

    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await page.getByText(`Published version 1 of ${NAME}.`).waitFor();
    expect(await page.locator('.reach').textContent()).toBe(
      'This trigger fired 0 times in the last 24 h (accelevents.check_in).',
    );
    await page.waitForURL(new RegExp(`${EDITOR}$`));
    await saveScreenshot(page, 'studio-published');

    const saved = await fetch(`${world.url}/api/workflows/${NAME}`, { headers: world.auth('admin') });
    const { version, definition } = (await saved.json()) as { version: number; definition: Record<string, any> };
    expect(version).toBe(1);
    expect(definition).toMatchObject({
      trigger: 'accelevents.check_in',
      conditions: ["attendee.ticketType contains 'VIP'"],
      templates: { vip_email: `Hi {{ attendee.firstName }}, ${BODY_V1}` },
    });
    expect(definition.steps.map((s: { action: string }) => s.action)).toEqual([
      'contacts.upsert',
      'conversations.find-or-create',
      'highlevel.send-a-new-message',
    ]);
    expect(definition.steps[2].with).toMatchObject({
      type: 'Email',
      subject: 'Welcome to the VIP lounge, {{ attendee.firstName }}',
      html: '{{ templates.vip_email }}',
    });
  });

  it('runs once for a VIP check-in through the Accelevents sandbox, and skips a general admission one', async () => {
    expect(emailsWith(BODY_V1)).toBe(0);
    accelevents.state.checkIn(SUMMIT, barcodes.get(VIP.email)!);
    accelevents.state.checkIn(SUMMIT, barcodes.get(GENERAL.email)!);
    await accelevents.flush();
    await eventually('both check-ins to be stored', async () => {
      const rows = await world.deps.db.selectFrom('inbox').select('id').where('topic', 'like', '%check%').execute();
      return rows.length >= 2 ? rows : undefined;
    });
    await drained(world.pipeline);
    const runs = await vipRuns();
    const byEmail = new Map(runs.map((r) => [JSON.parse(r.input).data.attendee.email, r]));
    expect(runs).toHaveLength(2);
    expect(byEmail.get(VIP.email)).toMatchObject({ status: 'completed', version: 1 });
    expect(byEmail.get(GENERAL.email)).toMatchObject({ status: 'skipped' });
    expect(emailsWith(`Hi ${VIP.firstName}, ${BODY_V1}`)).toBe(1);
    expect(emailsWith(BODY_V1)).toBe(1);

    const page = await signedIn('/console/studio');
    const row = page.locator(`tr[data-workflow="${NAME}"]`);
    await row.locator('[data-cell="failures"]').getByText('0', { exact: true }).waitFor();
    await saveScreenshot(page, 'studio-list-after-run');
  });

  it('opens the run from the list and shows each step’s input and output', async () => {
    const page = await signedIn('/console/studio');
    const row = page.locator(`tr[data-workflow="${NAME}"]`);
    await row.getByRole('link', { name: /UTC$/ }).click();
    await page.waitForURL(/\/console\/admin\/runs\?workflow=/);
    const vipRun = (await vipRuns()).find((r) => r.status === 'completed')!;
    await page.locator(`a[href="/console/admin/runs/${vipRun.id}"]`).click();
    await page.waitForURL(new RegExp(`/console/admin/runs/${vipRun.id}$`));
    const steps = page.locator('.run-step');
    expect(await steps.count()).toBe(3);
    for (let i = 0; i < 3; i += 1) {
      expect(await steps.nth(i).locator('pre.payload').count(), `step ${i}`).toBe(2);
    }
    expect(await steps.nth(2).locator('pre.payload').first().textContent()).toContain(
      `Hi ${VIP.firstName}, ${BODY_V1}`,
    );
    await saveScreenshot(page, 'studio-run');
  });

  it('edits the workflow into version 2, shows the diff, and restores version 1 as version 3', async () => {
    const page = await signedIn(EDITOR);
    await editorReady(page);
    const message = page.getByRole('textbox', { name: 'Message vip_email' });
    await message.waitFor();
    expect(await message.inputValue()).toBe(`Hi {{ attendee.firstName }}, ${BODY_V1}`);
    await message.click();
    await page.keyboard.press('End');
    for (let i = 0; i < 'level 2.'.length; i += 1) await page.keyboard.press('Backspace');
    await page.keyboard.type('level 3.');
    await page.locator('[data-template-preview="vip_email"]').getByText(BODY_V2).waitFor();
    await page.getByRole('button', { name: 'Publish changes' }).click();
    await page.getByText(`Published version 2 of ${NAME}.`).waitFor();
    expect(await page.locator('.reach').count()).toBe(0);

    const versions = page.locator('#versions');
    await versions.locator('tr[data-version="2"]').waitFor();
    await page.getByRole('button', { name: 'View changes of version 2' }).click();
    const diff = page.locator('#version-diff');
    await diff.getByText('Changes in version 2 (against version 1)').waitFor();
    expect(await diff.locator('.diff-del').allTextContents()).toEqual([expect.stringContaining(BODY_V1)]);
    expect(await diff.locator('.diff-add').allTextContents()).toEqual([expect.stringContaining(BODY_V2)]);
    await saveScreenshot(page, 'studio-diff');

    await page.getByRole('button', { name: 'Restore version 1' }).click();
    await page.getByText('Restored version 1 as version 3').waitFor();
    await versions.locator('tr[data-version="3"]').getByText('restored from 1').waitFor();
    expect(await page.getByRole('textbox', { name: 'Message vip_email' }).inputValue()).toBe(
      `Hi {{ attendee.firstName }}, ${BODY_V1}`,
    );
    await saveScreenshot(page, 'studio-restored');

    const read = async (path: string) =>
      (await (await fetch(`${world.url}/api/workflows/${NAME}${path}`, { headers: world.auth('admin') })).json()) as {
        definition: unknown;
        version?: number;
      };
    expect((await read('/versions/3')).definition).toEqual((await read('/versions/1')).definition);
    expect((await read('')).version).toBe(3);
  });

  it('starts a workflow from the check-in built-in, its question a table of options with a live preview', async () => {
    const page = await signedIn('/console/studio');
    await page.getByLabel('or start from a built-in').selectOption('checkin-welcome');
    await page.getByRole('button', { name: 'Start from this built-in' }).click();
    await page.waitForURL(/\/console\/studio\/new\?from=checkin-welcome$/);
    await editorReady(page);
    expect(await page.getByLabel('Workflow name').inputValue()).toBe('checkin-welcome-copy');
    expect(await page.getByLabel('Ask a choice question').isChecked()).toBe(true);
    const options = page.locator('.question-options tbody tr');
    expect(await options.count()).toBe(3);
    expect(await page.getByLabel('Value stored of option 2').inputValue()).toBe('workshops');
    const label = page.getByLabel('Label of option 1');
    await label.fill('keynote news');
    const confirm = page.locator('[data-question-preview="confirm"]');
    await confirm.getByText("Thanks! You'll get keynote news.").waitFor();
    await page
      .locator('[data-question-preview="reask"]')
      .getByText('Reply 1 for keynote news, 2 for workshop reminders')
      .waitFor();
    await page.getByRole('button', { name: 'Add option' }).click();
    expect(await options.count()).toBe(4);
    expect(await page.getByLabel('Number of option 4').inputValue()).toBe('4');
    await page.getByLabel('Value stored of option 4').fill('sponsors');
    await page.locator('[data-question-preview="reask"]').getByText('4 for sponsors').waitFor();
    await saveScreenshot(page, 'studio-question');
  });

  it('shows a condition the picker cannot read as text, with Edit as text as the way in', async () => {
    const page = await signedIn('/console/studio/workflows/session-highlights');
    await editorReady(page);
    const condition = page.getByRole('group', { name: 'Condition 1' });
    const raw = 'attendee.email != blank or attendee.phone != blank';
    await condition.locator('.condition-raw').getByText(raw).waitFor();
    expect(await condition.getByRole('combobox').count()).toBe(0);
    await condition.getByRole('button', { name: 'Edit condition 1 as text' }).click();
    expect(await page.getByRole('group', { name: 'Condition 1' }).getByLabel('Condition text').inputValue()).toBe(raw);
    expect(await page.locator('#editor-origin').textContent()).toContain('Built-in workflow');
  });

  it('shows an agent the 403 page on the studio', async () => {
    const page = await session.newPage();
    await signIn(page, world.url, roleEmail('agent'));
    const response = await page.goto(`${world.url}/console/studio`);
    expect(response?.status()).toBe(403);
  });
});

describeWithBrowser('console in Chromium: publishing to a live HighLevel account', (session) => {
  let world: ParleyWorld;

  beforeAll(async () => {
    world = await startParleyWorld('sqlite', { attendees: 1, consoleTargetsLive: true });
  });

  afterAll(async () => {
    await world?.close();
  });

  it('warns that the HighLevel connection lacks a scope the workflow needs', async () => {
    await world.deps.repository.save({
      provider: 'highlevel',
      kind: 'pit',
      accountKey: `location:${world.locationId}`,
      label: 'Summit location',
      userType: 'Location',
      locationId: world.locationId,
      scopes: ['contacts.readonly', 'contacts.write', 'conversations.readonly', 'conversations.write'],
      secrets: { accessToken: 'pit-studio-scopes' },
    });
    const page = await session.newPage();
    await signIn(page, world.url, roleEmail('admin'));
    await page.goto(`${world.url}/console/studio/new?from=registration-welcome`);
    const warning = page.locator('#scopes .scope-warning');
    await warning.waitFor();
    expect(await warning.textContent()).toBe(
      'Warning: Summit location lacks conversations/message.readonly, conversations/message.write. Its steps fail without them: ' +
        `reconnect it with parley connect highlevel --pit --location ${world.locationId} --token-file <path>.`,
    );
    await saveScreenshot(page, 'studio-scope-warning');
  });

  it('asks for a sandbox test before publishing a workflow that sends, then publishes the tested draft', async () => {
    const page = await session.newPage();
    await signIn(page, world.url, roleEmail('admin'));
    await page.goto(`${world.url}/console/studio/new?from=registration-welcome`);
    await page.getByRole('region', { name: 'Step 4: Send a new message' }).waitFor();
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    const result = page.locator('#publish-result');
    await result.getByText('run it against the sandbox first').waitFor();
    await saveScreenshot(page, 'studio-test-required');

    await result.getByRole('button', { name: 'Test before publishing' }).click();
    await page.locator('#test-result').getByText('Completed: every step ran.').waitFor();
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await page.getByText('Published version 1 of registration-welcome-copy.').waitFor();

    // The copy sends beside the built-in on every registration: the list says so.
    await page.goto(`${world.url}/console/studio`);
    const warning = page.locator('.double-send');
    await warning.waitFor();
    expect(await warning.textContent()).toContain('registration-welcome-copy');
    expect(await warning.textContent()).toContain('registration-welcome (built-in)');
    await saveScreenshot(page, 'studio-list-double-send');
  });
});
