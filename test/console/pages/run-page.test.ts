/**
 * The run page and the runs list as an admin's browser gets them, on both databases: a failed run and
 * its steps are seeded with SQL as the runner journals them, and the rendered HTML is read back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { durationText } from '../../../src/console/pages/run-page.js';
import { CONSOLE_PASSWORD, type ConsoleApp, startConsoleApp } from '../../helpers/console-app.js';
import { DATABASE_KINDS } from '../../helpers/databases.js';

const AT = Date.UTC(2026, 2, 10, 9, 0);
const attendee = { id: 'ae-9001', firstName: 'Grace', lastName: 'Hopper', email: 'grace@example.com' };

describe.each(DATABASE_KINDS)('run pages [%s]', (kind) => {
  let harness: ConsoleApp;
  let cookie: string;

  const page = (path: string) => harness.app.inject({ method: 'GET', url: path, headers: { cookie } });

  beforeAll(async () => {
    harness = await startConsoleApp(kind, { attendees: 1, sync: false });
    const login = await harness.app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { email: harness.email('admin'), password: CONSOLE_PASSWORD },
    });
    cookie = [login.headers['set-cookie']].flat()[0]?.split(';')[0] ?? '';
    const { db } = harness.deps;
    await db
      .insertInto('workflow_runs')
      .values({
        id: 'run-page-failed',
        workflow: 'registration-welcome',
        trigger_key: 'registration-welcome:accelevents:42:ae-9001',
        status: 'failed',
        input: JSON.stringify({ key: 'accelevents:42:ae-9001', locationId: 'loc-1', data: { attendee } }),
        error: 'step welcome: server_error: HighLevel answered 503 <Service Unavailable>',
        started_at: AT,
        finished_at: null,
        version: 3,
      })
      .execute();
    await db
      .insertInto('run_steps')
      .values([
        {
          run_id: 'run-page-failed',
          step: 'contact',
          status: 'completed',
          input: JSON.stringify({ email: attendee.email, firstName: 'Grace' }),
          output: JSON.stringify({ id: 'contact-77' }),
          started_at: AT,
          finished_at: AT + 850,
        },
        {
          run_id: 'run-page-failed',
          step: 'welcome',
          status: 'failed',
          input: JSON.stringify({ contactId: 'contact-77', message: 'Hi Grace' }),
          output: JSON.stringify({
            error: { code: 'server_error', message: 'HighLevel answered 503', ambiguous: true, retryable: true },
          }),
          started_at: AT + 900,
          finished_at: AT + 3_300,
        },
      ])
      .execute();
  });
  afterAll(async () => harness?.close());

  it('shows the run’s version, attendee and error', async () => {
    const response = await page('/console/admin/runs/run-page-failed');
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('registration-welcome <span class="muted">version 3</span>');
    expect(response.body).toContain('Grace Hopper &lt;grace@example.com&gt; <span class="muted">id ae-9001</span>');
    expect(response.body).toContain(
      '<dd class="run-error">step welcome: server_error: HighLevel answered 503 &lt;Service Unavailable&gt;</dd>',
    );
  });

  it('shows each step’s input and output as JSON, with how long it took', async () => {
    const { body } = await page('/console/admin/runs/run-page-failed');
    const contact = /<li class="run-step run-step-completed">[\s\S]*?<\/li>/.exec(body)?.[0] ?? '';
    expect(contact).toContain('took 850 ms');
    expect(contact).toContain('<pre class="payload">{\n  &#34;email&#34;: &#34;grace@example.com&#34;');
    expect(contact).toContain('<pre class="payload">{\n  &#34;id&#34;: &#34;contact-77&#34;\n}</pre>');
  });

  it('shows a failed step’s error in red, saying when HighLevel may have acted', async () => {
    const { body } = await page('/console/admin/runs/run-page-failed');
    const welcome = /<li class="run-step run-step-failed">[\s\S]*?<\/li>/.exec(body)?.[0] ?? '';
    expect(welcome).toContain('took 2.4 s');
    expect(welcome).toContain(
      '<p class="run-error"><strong>server_error</strong>: HighLevel answered 503 (HighLevel may',
    );
  });

  it('offers a failed run’s retry as a form for the API', async () => {
    const { body } = await page('/console/admin/runs/run-page-failed');
    expect(body).toContain('data-api="/api/admin/runs/run-page-failed/retry" data-method="POST"');
  });

  it('lists runs of one workflow with their attendee, linking each to its page', async () => {
    const { body } = await page('/console/admin/runs?workflow=registration-welcome&status=failed');
    expect(body).toContain('<option value="registration-welcome" selected>');
    expect(body).toContain('href="/console/admin/runs/run-page-failed"');
    expect(body).toContain('Grace Hopper <span class="muted">grace@example.com</span>');
    expect(body).toContain('data-api="/api/admin/workflows/registration-welcome/runs/retry-failed"');
    const other = await page('/console/admin/runs?workflow=checkin-welcome');
    expect(other.body).not.toContain('run-page-failed');
  });

  it('words durations for people', () => {
    expect([durationText(850), durationText(2_400), durationText(185_000)]).toEqual(['850 ms', '2.4 s', '3 min 5 s']);
  });
});
