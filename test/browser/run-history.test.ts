/**
 * Run history in real Chromium: an admin opens the runs of one workflow, opens a failed run, reads its
 * steps and retries it with the page's button (the retry job lands in the queue); both pages are saved
 * as full-page screenshots, also at phone width.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { WORKFLOW_RETRY_JOB } from '../../src/jobs/handlers/workflow-retry-handler.js';
import {
  describeWithBrowser,
  PHONE_VIEWPORT,
  roleEmail,
  saveScreenshot,
  scrollWidth,
  signIn,
} from '../helpers/browser.js';
import { type ConsoleApp, startConsoleApp } from '../helpers/console-app.js';

const RUN_ID = 'run-browser-failed';
const attendee = { id: 'ae-4242', firstName: 'Katherine', lastName: 'Johnson', email: 'katherine@example.com' };

describeWithBrowser('console in Chromium: run history', (session) => {
  let parley: ConsoleApp;
  let baseUrl: string;

  beforeAll(async () => {
    parley = await startConsoleApp('sqlite', { attendees: 1, sync: false });
    baseUrl = await parley.listen();
    const at = Date.now() - 5 * 60_000;
    await parley.deps.db
      .insertInto('workflow_runs')
      .values([
        {
          id: RUN_ID,
          workflow: 'registration-welcome',
          trigger_key: 'registration-welcome:accelevents:42:ae-4242',
          status: 'failed',
          input: JSON.stringify({ key: 'accelevents:42:ae-4242', locationId: parley.locationId, data: { attendee } }),
          error: 'step details: not_found: HighLevel has no conversation conv-404',
          started_at: at,
          finished_at: null,
          version: null,
        },
        {
          id: 'run-browser-done',
          workflow: 'registration-welcome',
          trigger_key: 'registration-welcome:accelevents:42:ae-4243',
          status: 'completed',
          input: JSON.stringify({ key: 'accelevents:42:ae-4243', locationId: parley.locationId, data: {} }),
          error: null,
          started_at: at - 60_000,
          finished_at: at - 58_000,
          version: null,
        },
      ])
      .execute();
    await parley.deps.db
      .insertInto('run_steps')
      .values([
        {
          run_id: RUN_ID,
          step: 'contact',
          status: 'completed',
          input: JSON.stringify({ email: attendee.email, firstName: attendee.firstName, lastName: attendee.lastName }),
          output: JSON.stringify({ id: 'contact-4242', new: true }),
          started_at: at,
          finished_at: at + 420,
        },
        {
          run_id: RUN_ID,
          step: 'details',
          status: 'failed',
          input: JSON.stringify({ conversationId: 'conv-404' }),
          output: JSON.stringify({
            error: {
              code: 'not_found',
              message: 'HighLevel has no conversation conv-404',
              ambiguous: false,
              retryable: false,
            },
          }),
          started_at: at + 500,
          finished_at: at + 1_700,
        },
      ])
      .execute();
  });

  afterAll(async () => {
    await parley?.close();
  });

  it('lists the failed runs of one workflow with their attendee', async () => {
    const page = await session.newPage();
    await signIn(page, baseUrl, roleEmail('admin'));
    await page.goto(`${baseUrl}/console/admin/runs`);
    await page.getByLabel('Workflow', { exact: true }).selectOption('registration-welcome');
    await page.getByLabel('Status', { exact: true }).selectOption('failed');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/workflow=registration-welcome/);
    const table = page.getByRole('table', { name: /Runs of registration-welcome/ });
    expect(await table.getByRole('row').count()).toBe(2); // the header and the failed run
    expect(await table.getByText('Katherine Johnson').count()).toBe(1);
    await saveScreenshot(page, 'admin-runs-workflow');
  });

  it('shows a failed run’s steps and queues its retry from the button', async () => {
    const page = await session.newPage();
    await signIn(page, baseUrl, roleEmail('admin'));
    await page.goto(`${baseUrl}/console/admin/runs/${RUN_ID}`);
    expect(await page.getByText('HighLevel has no conversation conv-404').count()).toBe(2); // the run's error and the step's
    expect(await page.locator('.run-step-failed').getByText('took 1.2 s').count()).toBe(1);
    await saveScreenshot(page, 'admin-run-failed');

    page.on('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Retry from the start' }).click();
    await page.getByText(/Retry queued/).waitFor();
    const jobs = await parley.deps.db
      .selectFrom('jobs')
      .select('payload')
      .where('kind', '=', WORKFLOW_RETRY_JOB)
      .where('status', '=', 'pending')
      .execute();
    expect(jobs.map((job) => JSON.parse(job.payload))).toEqual([{ runId: RUN_ID }]);
  });

  it('fits a failed run’s page on a phone', async () => {
    const page = await session.newPage({ viewport: PHONE_VIEWPORT });
    await signIn(page, baseUrl, roleEmail('admin'));
    await page.goto(`${baseUrl}/console/admin/runs/${RUN_ID}`);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE_VIEWPORT.width);
    await saveScreenshot(page, 'admin-run-failed-phone');
  });
});
