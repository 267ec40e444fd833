/**
 * The marketplace admin API (GET /api/admin/marketplace/subscriptions and /firings) and the
 * Marketplace page, on both databases through app.inject on a real console. Subscriptions and firings
 * are seeded with SQL, as the subscription route and the firing jobs would leave them.
 */
import type { Insertable } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Role } from '../../../src/console/auth/roles.js';
import type { MarketplaceFiringsTable, MarketplaceSubscriptionsTable } from '../../../src/store/schema.js';
import { CONSOLE_PASSWORD, type ConsoleApp, startConsoleApp } from '../../helpers/console-app.js';
import { DATABASE_KINDS } from '../../helpers/databases.js';

const T0 = Date.UTC(2026, 11, 1, 9);
const MINUTE = 60_000;

describe.each(DATABASE_KINDS)('marketplace admin [%s]', (kind) => {
  let harness: ConsoleApp;
  let cookie = '';
  const get = (url: string, role: Role = 'admin') =>
    harness.app.inject({ method: 'GET', url, headers: harness.auth(role) });

  beforeAll(async () => {
    harness = await startConsoleApp(kind, { attendees: 1, sync: false });
    const login = await harness.app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { email: harness.email('admin'), password: CONSOLE_PASSWORD },
    });
    const setCookie = login.headers['set-cookie'];
    cookie = (Array.isArray(setCookie) ? setCookie[0] : setCookie)?.split(';')[0] ?? '';
  });
  afterAll(async () => harness?.close());
  beforeEach(async () => {
    await harness.deps.db.deleteFrom('marketplace_firings').execute();
    await harness.deps.db.deleteFrom('marketplace_subscriptions').execute();
  });

  async function subscribe(row: Partial<Insertable<MarketplaceSubscriptionsTable>> & { trigger_id: string }) {
    await harness.deps.db
      .insertInto('marketplace_subscriptions')
      .values({
        trigger_key: 'accelevents_attendee_registered',
        location_id: 'loc-a',
        workflow_id: `wf-${row.trigger_id}`,
        company_id: 'company-1',
        target_url: `https://services.leadconnectorhq.com/workflows-marketplace/triggers/execute/loc-a/${row.trigger_id}`,
        filters: '[]',
        status: 'active',
        created_at: T0,
        updated_at: T0,
        ...row,
      })
      .execute();
  }

  async function fire(row: Partial<Insertable<MarketplaceFiringsTable>> & { id: string }) {
    await harness.deps.db
      .insertInto('marketplace_firings')
      .values({
        trigger_id: 'tr-1',
        trigger_key: 'accelevents_attendee_registered',
        event_key: `registered:summit:${row.id}`,
        location_id: 'loc-a',
        status: 'sent',
        attempts: 1,
        last_error: null,
        http_status: 200,
        created_at: T0,
        sent_at: T0 + 1_000,
        ...row,
      })
      .execute();
  }

  it('lists active subscriptions newest first with their workflow, target and filters, leaving deleted ones out', async () => {
    await subscribe({ trigger_id: 'tr-1', created_at: T0 });
    await subscribe({
      trigger_id: 'tr-2',
      created_at: T0 + MINUTE,
      filters: JSON.stringify([{ field: 'attendee.ticketType', operator: '==', value: 'VIP' }]),
    });
    await subscribe({ trigger_id: 'tr-gone', created_at: T0 + 2 * MINUTE, status: 'deleted' });
    const response = await get('/api/admin/marketplace/subscriptions');
    expect(response.statusCode).toBe(200);
    const { items, nextCursor } = response.json();
    expect(items.map((s: { triggerId: string }) => s.triggerId)).toEqual(['tr-2', 'tr-1']);
    expect(items[0]).toEqual({
      triggerId: 'tr-2',
      triggerKey: 'accelevents_attendee_registered',
      locationId: 'loc-a',
      workflowId: 'wf-tr-2',
      companyId: 'company-1',
      targetUrl: 'https://services.leadconnectorhq.com/workflows-marketplace/triggers/execute/loc-a/tr-2',
      filters: [{ field: 'attendee.ticketType', operator: '==', value: 'VIP' }],
      status: 'active',
      inactiveReason: null,
      createdAt: T0 + MINUTE,
      updatedAt: T0,
    });
    expect(nextCursor).toBeNull();
    const deleted = await get('/api/admin/marketplace/subscriptions?status=deleted');
    expect(deleted.json().items.map((s: { triggerId: string }) => s.triggerId)).toEqual(['tr-gone']);
  });

  it('pages firings newest first without repeating or skipping one, and filters by status and location', async () => {
    for (let i = 0; i < 5; i += 1) await fire({ id: `f-${i}`, created_at: T0 + i * MINUTE });
    await fire({
      id: 'f-failed',
      created_at: T0 + 10 * MINUTE,
      status: 'failed',
      http_status: 503,
      last_error: 'HTTP 503',
      sent_at: null,
    });
    await fire({ id: 'f-other', created_at: T0 + 11 * MINUTE, location_id: 'loc-b' });
    const seen: string[] = [];
    let url = '/api/admin/marketplace/firings?limit=3';
    for (;;) {
      const page = (await get(url)).json();
      seen.push(...page.items.map((f: { id: string }) => f.id));
      if (page.nextCursor === null) break;
      url = `/api/admin/marketplace/firings?limit=3&cursor=${encodeURIComponent(page.nextCursor)}`;
    }
    expect(seen).toEqual(['f-other', 'f-failed', 'f-4', 'f-3', 'f-2', 'f-1', 'f-0']);
    const failed = (await get('/api/admin/marketplace/firings?status=failed')).json().items;
    expect(failed).toEqual([
      {
        id: 'f-failed',
        triggerId: 'tr-1',
        triggerKey: 'accelevents_attendee_registered',
        eventKey: 'registered:summit:f-failed',
        locationId: 'loc-a',
        status: 'failed',
        attempts: 1,
        httpStatus: 503,
        lastError: 'HTTP 503',
        createdAt: T0 + 10 * MINUTE,
        sentAt: null,
      },
    ]);
    const other = (await get('/api/admin/marketplace/firings?locationId=loc-b')).json().items;
    expect(other.map((f: { id: string }) => f.id)).toEqual(['f-other']);
  });

  it('refuses an unknown firing status and a made-up cursor with 400 naming the field', async () => {
    const status = await get('/api/admin/marketplace/firings?status=lost');
    expect(status.statusCode).toBe(400);
    expect(status.body).toContain('status');
    const cursor = await get('/api/admin/marketplace/firings?cursor=nonsense');
    expect(cursor.statusCode).toBe(400);
    expect(cursor.body).toContain('cursor');
  });

  it('answers 403 to every role but admin', async () => {
    for (const role of ['agent', 'viewer', 'sponsor'] as const) {
      expect((await get('/api/admin/marketplace/firings', role)).statusCode).toBe(403);
      expect((await get('/api/admin/marketplace/subscriptions', role)).statusCode).toBe(403);
    }
  });

  it('shows subscriptions grouped by location and firings with their result on the Marketplace page', async () => {
    await subscribe({ trigger_id: 'tr-1' });
    await subscribe({ trigger_id: 'tr-b', location_id: 'loc-b', trigger_key: 'accelevents_attendee_checked_in' });
    await fire({ id: 'f-1', status: 'failed', http_status: 429, last_error: 'HTTP 429 <retry later>', sent_at: null });
    const response = await harness.app.inject({
      method: 'GET',
      url: '/console/admin/marketplace',
      headers: { cookie },
    });
    expect(response.statusCode).toBe(200);
    const html = response.body;
    expect(html).toContain('Location <code>loc-a</code>: 1 subscription(s)');
    expect(html).toContain('Location <code>loc-b</code>: 1 subscription(s)');
    expect(html).toContain('Accelevents attendee checked in');
    expect(html).toContain('href="/console/admin/marketplace?triggerId=tr-b"');
    expect(html).toContain('wf-tr-1');
    expect(html).toContain('registered:summit:f-1');
    expect(html).toContain('429');
    // Errors are escaped like every output of the console's templates.
    expect(html).toContain('HTTP 429 &lt;retry later&gt;');
    expect(html).toContain('aria-current="page">Marketplace<');
    expect(html).toContain('The <code>marketplace</code> feature is off');
  });

  it('lists paused subscriptions under status=gone with why, and on the page apart from the active ones', async () => {
    await subscribe({ trigger_id: 'tr-live' });
    await subscribe({
      trigger_id: 'tr-paused',
      created_at: T0 + MINUTE,
      status: 'gone',
      inactive_reason: 'the target URL answered HTTP 404 at 2026-12-01T09:05:00.000Z <gone>',
    });
    const active = (await get('/api/admin/marketplace/subscriptions')).json().items;
    expect(active.map((s: { triggerId: string }) => s.triggerId)).toEqual(['tr-live']);
    const gone = (await get('/api/admin/marketplace/subscriptions?status=gone')).json().items;
    expect(gone).toMatchObject([
      {
        triggerId: 'tr-paused',
        status: 'gone',
        inactiveReason: 'the target URL answered HTTP 404 at 2026-12-01T09:05:00.000Z <gone>',
      },
    ]);
    const html = (await harness.app.inject({ method: 'GET', url: '/console/admin/marketplace', headers: { cookie } }))
      .body;
    const pausedSection = html.slice(html.indexOf('id="paused-heading"'));
    expect(html).toContain('Location <code>loc-a</code>: 1 subscription(s)');
    expect(pausedSection).toContain('1 paused subscription(s)');
    expect(pausedSection).toContain('tr-paused');
    expect(pausedSection).not.toContain('tr-live');
    expect(pausedSection).toContain('answered HTTP 404 at 2026-12-01T09:05:00.000Z &lt;gone&gt;');
  });

  it('shows no paused section while every subscription is active', async () => {
    await subscribe({ trigger_id: 'tr-live' });
    const html = (await harness.app.inject({ method: 'GET', url: '/console/admin/marketplace', headers: { cookie } }))
      .body;
    expect(html).toContain('tr-live');
    expect(html).not.toContain('Paused subscriptions');
  });

  it('lists only one subscription’s firings when the page is opened from its firings link', async () => {
    await subscribe({ trigger_id: 'tr-1' });
    await fire({ id: 'f-mine', trigger_id: 'tr-1' });
    await fire({ id: 'f-other', trigger_id: 'tr-2' });
    const response = await harness.app.inject({
      method: 'GET',
      url: '/console/admin/marketplace?triggerId=tr-1',
      headers: { cookie },
    });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('Firings, newest first of subscription tr-1');
    expect(response.body).toContain('registered:summit:f-mine');
    expect(response.body).not.toContain('registered:summit:f-other');
  });
});
