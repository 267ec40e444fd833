/**
 * The admin pages as a browser session gets them: signed in with /api/login's
 * cookie, rendered server-side with the data the services return; other roles get the 403 page and a
 * signed-out visitor is sent to the login page.
 */

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordChange } from '../../../src/console/admin/change-log.js';
import type { Role } from '../../../src/console/auth/roles.js';
import { CONSOLE_PASSWORD, type ConsoleApp, startConsoleApp } from '../../helpers/console-app.js';

const PAGES = ['connections', 'workflows', 'runs', 'rate', 'audit'] as const;
const MINUTE = 60_000;

describe('admin pages [sqlite]', () => {
  let harness: ConsoleApp;
  const cookies = new Map<Role, string>();

  async function cookieFor(role: Role): Promise<string> {
    const known = cookies.get(role);
    if (known) return known;
    const response = await harness.app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { email: harness.email(role), password: CONSOLE_PASSWORD },
    });
    expect(response.statusCode).toBe(200);
    const setCookie = response.headers['set-cookie'];
    const cookie = (Array.isArray(setCookie) ? setCookie[0] : setCookie)?.split(';')[0] ?? '';
    cookies.set(role, cookie);
    return cookie;
  }

  async function page(path: string, role: Role = 'admin') {
    return harness.app.inject({ method: 'GET', url: path, headers: { cookie: await cookieFor(role) } });
  }

  beforeAll(async () => {
    harness = await startConsoleApp('sqlite', { attendees: 2 });
  });
  afterAll(async () => harness?.close());

  it('sends a signed-out visitor of every admin page to the login page with next set', async () => {
    for (const name of PAGES) {
      const response = await harness.app.inject({ method: 'GET', url: `/console/admin/${name}` });
      expect(response.statusCode).toBe(302);
      expect(response.headers.location).toBe(`/console/login?next=${encodeURIComponent(`/console/admin/${name}`)}`);
    }
  });

  it('answers 403 with the not-allowed page to every role but admin on every admin page', async () => {
    for (const role of ['agent', 'viewer', 'sponsor'] as const) {
      for (const name of PAGES) {
        const response = await page(`/console/admin/${name}`, role);
        expect(response.statusCode).toBe(403);
        expect(response.body).toContain('It is open to: admin');
      }
    }
  });

  /** Saves (again, when called twice) a PIT connection granted one scope; opens the connections page. */
  async function connectionsPageWithOneScopePit() {
    await harness.deps.repository.save({
      provider: 'highlevel',
      kind: 'pit',
      accountKey: 'location:loc-page',
      label: 'Box office <desk>',
      userType: 'Location',
      locationId: 'loc-page',
      scopes: ['conversations.readonly'],
      secrets: { accessToken: 'never-show-this-token' },
    });
    return page('/console/admin/connections');
  }

  it('shows each connection’s missing scopes in words, with the reconnect command', async () => {
    const response = await connectionsPageWithOneScopePit();
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/html');
    expect(response.body).toContain('Box office &lt;desk&gt;');
    expect(response.body).toMatch(/Missing \d+ scopes:/);
    expect(response.body).toContain('<code>conversations/message.write</code> (needed by');
    expect(response.body).toContain('parley connect highlevel --pit --location loc-page --token-file &lt;path&gt;');
    expect(response.body).toContain('<caption id="connections-caption">');
  });

  it('never shows a connection’s token', async () => {
    const response = await connectionsPageWithOneScopePit();
    expect(response.body).not.toContain('never-show-this-token');
  });

  // The runs page below also reads the run seeded here.
  describe('workflows page', () => {
    beforeAll(async () => {
      await harness.deps.db
        .insertInto('workflow_runs')
        .values({
          id: 'run-page-1',
          workflow: 'checkin-welcome',
          trigger_key: 'attendee-42',
          status: 'failed',
          input: '{}',
          error: 'contact not found',
          started_at: Date.now() - MINUTE,
          finished_at: Date.now(),
        })
        .execute();
      await harness.app.inject({
        method: 'PUT',
        url: '/api/admin/workflows/checkin-welcome',
        headers: harness.auth('admin'),
        payload: { enabled: false },
      });
    });

    it('renders each workflow with an on/off switch form for the API', async () => {
      const response = await page('/console/admin/workflows');
      expect(response.statusCode).toBe(200);
      const body = response.body;
      expect(body).toContain('data-api="/api/admin/workflows/registration-welcome" data-method="PUT" data-reload');
      expect(body).toMatch(/checkin-welcome <span class="admin-status admin-status-disabled">off<\/span>/);
      expect(body).toMatch(/registration-welcome <span class="admin-status admin-status-ok">on<\/span>/);
    });

    it('renders each workflow’s recent runs', async () => {
      const { body } = await page('/console/admin/workflows');
      expect(body).toContain('attendee-42');
      expect(body).toContain('contact not found');
    });
  });

  describe('runs page', () => {
    let id: string;
    beforeAll(async () => {
      const { queue } = harness.deps;
      ({ id } = await queue.enqueue({ kind: 'page.test', payload: { attendee: 'a-1' }, maxAttempts: 1 }));
      await queue.claim('w', { limit: 1, leaseMs: 60_000, kinds: ['page.test'] });
      await queue.fail(id, 'w', new Error('gave up on a-1'), { retryable: false });
    });

    it('lists runs filtered by status', async () => {
      const response = await page('/console/admin/runs?status=failed');
      expect(response.statusCode).toBe(200);
      expect(response.body).toContain('<option value="failed" selected>');
      expect(response.body).toContain('attendee-42');
      const completedOnly = await page('/console/admin/runs?status=completed');
      expect(completedOnly.body).not.toContain('attendee-42');
    });

    it('lists each dead job with a replay form', async () => {
      const response = await page('/console/admin/runs?status=failed');
      expect(response.body).toContain(`data-api="/api/admin/dead-letters/${id}/replay" data-method="POST" data-reload`);
      expect(response.body).toContain('gave up on a-1');
      expect(response.body).toContain('1 dead.');
    });
  });

  describe('rate page', () => {
    let section: string;
    beforeAll(async () => {
      const at = Date.now() - 3 * MINUTE;
      await harness.deps.db
        .insertInto('highlevel_calls')
        .values(
          [200, 200, 429].map((status, i) => ({
            id: randomUUID(),
            at: at + i,
            actor: 'cli',
            location_id: 'loc-chart',
            operation_id: 'get-conversation',
            scope: 'conversations.readonly',
            status,
            error_code: status === 429 ? 'rate_limited' : null,
            attempt: 1,
            duration_ms: 5,
          })),
        )
        .execute();
      const response = await page('/console/admin/rate');
      expect(response.statusCode).toBe(200);
      section = response.body.slice(response.body.indexOf('Location loc-chart'));
    });

    it('draws each location’s SVG chart labelled for screen readers', async () => {
      expect(section).toContain('<title id=');
      expect(section).toContain('Calls per minute for location loc-chart');
      expect(section).toContain('<desc id=');
    });

    it('draws the 600/min ceiling line on the chart', async () => {
      expect(section).toContain('class="ceiling"');
      expect(section).toContain('ceiling 600/min');
    });

    it('marks 429s on the chart', async () => {
      expect(section).toContain('class="mark-429"');
    });

    it('gives the chart’s numbers as a table', async () => {
      expect(section).toContain('3 calls in the window');
      expect(section).toMatch(/<td>3<\/td><td>1<\/td><td>0<\/td>/);
    });
  });

  describe('audit page', () => {
    beforeAll(async () => {
      const at = Date.now() - 2 * MINUTE;
      await harness.deps.db
        .insertInto('highlevel_calls')
        .values(
          Array.from({ length: 55 }, (_, i) => ({
            id: randomUUID(),
            at: at + i,
            actor: 'run-audit-page',
            location_id: 'loc-audit-page',
            operation_id: 'search-conversation',
            scope: 'conversations.readonly',
            status: 200,
            error_code: null,
            attempt: 1,
            duration_ms: 7,
          })),
        )
        .execute();
    });

    const filtered = () => page('/console/admin/audit?actor=run-audit-page&operation=search-conversation');

    it('filters the audit log with a GET form', async () => {
      const response = await filtered();
      expect(response.statusCode).toBe(200);
      expect(response.body).toContain('<label for="audit-actor">Actor</label>');
      expect(response.body).toContain('value="run-audit-page"');
      expect(response.body.match(/<td>run-audit-page<\/td>/g)).toHaveLength(50);
    });

    it('links the next audit page with the filters kept', async () => {
      const response = await filtered();
      const next = /href="([^"]+)" rel="next"/.exec(response.body)?.[1]?.replaceAll('&amp;', '&');
      expect(next).toMatch(/^\/console\/admin\/audit\?actor=run-audit-page&operation=search-conversation&cursor=/);
      const second = await page(next as string);
      expect(second.body.match(/<td>run-audit-page<\/td>/g)).toHaveLength(5);
      expect(second.body).not.toContain('rel="next"');
    });

    it("lists the admins' latest console changes above the call log", async () => {
      await recordChange(harness.deps.db, {
        at: Date.now(),
        actor: 'admin@parley.test',
        action: 'workflow.edited',
        target: 'vip-audit-page',
        detail: { version: 4 },
      });
      const response = await page('/console/admin/audit');
      expect(response.body).toContain('<h2 id="changes-heading">Console changes</h2>');
      expect(response.body).toMatch(/<code>workflow\.edited<\/code><\/td><td>vip-audit-page<\/td><td>4<\/td>/);
    });
  });
});
