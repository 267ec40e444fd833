/**
 * The Deliveries pages and the workflows page's "run skipped" offer as a browser session gets them:
 * signed in with /api/login's cookie, rendered server-side. Hostile deliveries arrive through the real
 * intake route (their body, topic and headers are whatever a sender put there) and must come back as
 * text, never as markup.
 */
import type { Insertable } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Role } from '../../../src/console/auth/roles.js';
import type { InboxTable } from '../../../src/store/schema.js';
import { CONSOLE_PASSWORD, type ConsoleApp, startConsoleApp } from '../../helpers/console-app.js';
import { buildIntakeApp, type IntakeApp, insertInboxRow } from '../../intake/intake-app.js';

const HOSTILE = '<script>alert("x")</script>';
const REPROCESS_FORM = 'data-api="/api/admin/deliveries/reprocess" data-method="POST" data-reload';

describe('deliveries pages [sqlite]', () => {
  let harness: ConsoleApp;
  let intake: IntakeApp;
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
    const cookie = ([response.headers['set-cookie']].flat()[0] ?? '').split(';')[0] ?? '';
    cookies.set(role, cookie);
    return cookie;
  }

  async function page(path: string, role: Role = 'admin') {
    return harness.app.inject({ method: 'GET', url: path, headers: { cookie: await cookieFor(role) } });
  }

  async function insertDelivery(row: Partial<Insertable<InboxTable>>): Promise<string> {
    return insertInboxRow(harness.deps.db, { body: '{}', ...row });
  }

  beforeAll(async () => {
    harness = await startConsoleApp('sqlite', { attendees: 1 });
    intake = await buildIntakeApp(harness.database.store);
  });
  afterAll(async () => {
    await intake?.app.close();
    await harness?.close();
  });
  beforeEach(async () => {
    await harness.deps.db.deleteFrom('inbox').execute();
  });

  const deliveryPaths = async () => {
    const id = await insertDelivery({});
    return ['/console/admin/deliveries', `/console/admin/deliveries/${id}`];
  };

  it('sends a signed-out visitor to the login page', async () => {
    for (const path of await deliveryPaths()) {
      const anonymous = await harness.app.inject({ method: 'GET', url: path });
      expect(anonymous.statusCode).toBe(302);
      expect(anonymous.headers.location).toBe(`/console/login?next=${encodeURIComponent(path)}`);
    }
  });

  it('answers 403 to every role but admin', async () => {
    for (const path of await deliveryPaths()) {
      for (const role of ['agent', 'viewer', 'sponsor'] as const) {
        const response = await page(path, role);
        expect(response.statusCode).toBe(403);
        expect(response.body).toContain('It is open to: admin');
      }
    }
  });

  /** Stores an ignored delivery with its reason and a failed one with its error. */
  async function insertIgnoredAndFailed(): Promise<string> {
    const ignored = await insertDelivery({
      status: 'ignored',
      topic: 'badge.printed',
      reason_code: 'topic_not_recognised',
      reason: 'the topic "badge.printed" is not one parley knows',
    });
    await insertDelivery({ status: 'failed', error: 'HighLevel said 422' });
    return ignored;
  }

  it('lists deliveries with their outcome', async () => {
    const ignored = await insertIgnoredAndFailed();
    const response = await page('/console/admin/deliveries');
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('<a href="/console/admin/deliveries" aria-current="page">Deliveries</a>');
    expect(response.body).toContain('<code>topic_not_recognised</code> the topic &#34;badge.printed&#34; is not');
    expect(response.body).toContain('HighLevel said 422');
    expect(response.body).toContain(`href="/console/admin/deliveries/${ignored}"`);
  });

  it('offers the bulk reprocess buttons', async () => {
    await insertIgnoredAndFailed();
    const response = await page('/console/admin/deliveries');
    expect(response.body).toContain(REPROCESS_FORM);
    expect(response.body).toContain('<input type="hidden" name="status" value="ignored">');
    expect(response.body).toContain('Reprocess all ignored');
  });

  it('filters deliveries by status', async () => {
    await insertIgnoredAndFailed();
    const onlyIgnored = await page('/console/admin/deliveries?status=ignored');
    expect(onlyIgnored.body).toContain('<option value="ignored" selected>');
    expect(onlyIgnored.body).toContain('topic_not_recognised');
    expect(onlyIgnored.body).not.toContain('HighLevel said 422');
  });

  /** Delivers a body and a header full of markup through the real intake route. */
  async function deliverHostile(): Promise<{ id: string; body: string }> {
    const body = JSON.stringify({ topic: HOSTILE, email: '"><img src=x onerror=alert(1)>@example.com' });
    const stored = await intake.app.inject({
      method: 'POST',
      url: intake.path,
      headers: { 'content-type': 'application/json', 'x-note': '"><svg onload=alert(2)>' },
      payload: body,
    });
    expect(stored.statusCode).toBe(202);
    return { id: stored.json().id as string, body };
  }

  it('shows a delivery’s content as text, never as markup', async () => {
    const { id, body } = await deliverHostile();
    const list = await page('/console/admin/deliveries');
    expect(list.body).toContain('<td>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;</td>');
    expect(list.body).not.toContain(HOSTILE);

    const detail = await page(`/console/admin/deliveries/${id}`);
    expect(detail.statusCode).toBe(200);
    expect(detail.body).not.toContain('<script>alert');
    expect(detail.body).not.toContain('<img src=x');
    expect(detail.body).not.toContain('<svg onload');
    // The raw body, escaped once (liquidjs's entities): every quote and bracket comes back as an entity.
    expect(detail.body).toContain(`<pre class="payload">${escapeHtml(body)}</pre>`);
    expect(detail.body).toContain('<td>&#34;&gt;&lt;svg onload=alert(2)&gt;</td>');
    expect(detail.body).toContain('&#34;rawTopic&#34;: &#34;&lt;script&gt;');
  });

  it('offers to reprocess a delivery from its page', async () => {
    const { id } = await deliverHostile();
    const detail = await page(`/console/admin/deliveries/${id}`);
    expect(detail.body).toContain(`<input type="hidden" name="ids[]" value="${id}">`);
    expect(detail.body).toContain(REPROCESS_FORM);
  });

  it('answers the not-found page for a delivery id that is not stored', async () => {
    const response = await page('/console/admin/deliveries/no-such-delivery');
    expect(response.statusCode).toBe(404);
    expect(response.body).toContain('no delivery no-such-delivery');
  });

  it('offers to run the skipped deliveries on the workflows page only while some are waiting', async () => {
    const none = await page('/console/admin/workflows');
    expect(none.body).not.toContain('arrived while a workflow was off');

    for (let i = 0; i < 3; i += 1) {
      await insertDelivery({ status: 'skipped', reason_code: 'workflow_off', reason: 'switched off' });
    }
    const response = await page('/console/admin/workflows');
    expect(response.body).toContain('<strong>3 deliveries arrived while a workflow was off</strong>');
    expect(response.body).toContain(REPROCESS_FORM);
    expect(response.body).toContain('<input type="hidden" name="status" value="skipped">');
    expect(response.body).toContain('Run skipped deliveries');
  });
});

function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&#34;')
    .replaceAll("'", '&#39;');
}
