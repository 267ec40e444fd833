/**
 * The Mapping page as a browser session gets it, server-rendered: who may open it, which deliveries it
 * lists, and that a hostile topic arriving through the real intake route comes back as text. What the
 * page does in the browser (tree, chooser, preview, save, reprocess) is test/browser/mapping.test.ts.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Role } from '../../../src/console/auth/roles.js';
import { CONSOLE_PASSWORD, type ConsoleApp, startConsoleApp } from '../../helpers/console-app.js';
import { buildIntakeApp, type IntakeApp, insertInboxRow } from '../../intake/intake-app.js';

const HOSTILE = '<script>alert("x")</script>';
const PATH = '/console/admin/mapping';

describe('mapping page [sqlite]', () => {
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
    const cookie = ([response.headers['set-cookie']].flat()[0] ?? '').split(';')[0] ?? '';
    cookies.set(role, cookie);
    return cookie;
  }

  const page = async (path: string, role: Role = 'admin') =>
    harness.app.inject({ method: 'GET', url: path, headers: { cookie: await cookieFor(role) } });

  async function deliver(body: Record<string, unknown>): Promise<string> {
    const response = await intake.app.inject({
      method: 'POST',
      url: intake.path,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });
    expect(response.statusCode).toBe(202);
    return response.json().id;
  }

  beforeAll(async () => {
    harness = await startConsoleApp('sqlite', {
      attendees: 1,
      config: { accelevents: { webhook: { fields: { phone: ['contact.tel'] } } } },
    });
    intake = await buildIntakeApp(harness.database.store);
  });
  afterAll(async () => {
    await intake?.app.close();
    await harness?.close();
  });
  beforeEach(async () => {
    await harness.deps.db.deleteFrom('inbox').execute();
  });

  it('sends a signed-out visitor to the login page', async () => {
    const anonymous = await harness.app.inject({ method: 'GET', url: PATH });
    expect(anonymous.statusCode).toBe(302);
    expect(anonymous.headers.location).toBe(`/console/login?next=${encodeURIComponent(PATH)}`);
  });

  it('answers 403 to every role but admin', async () => {
    for (const role of ['viewer', 'agent', 'sponsor'] as const) expect((await page(PATH, role)).statusCode).toBe(403);
  });

  it('lists Accelevents deliveries, ignored ones with their reason, and no HighLevel one', async () => {
    const ignored = await deliver({ topic: 'attendee.registered', buyer: { contact: { mail: 'a@example.com' } } });
    const highlevel = await insertInboxRow(harness.deps.db, { source: 'highlevel', received_at: Date.now() });
    const html = (await page(PATH)).body;
    expect(html).toContain(`data-open-delivery="${ignored}"`);
    expect(html).toContain('<code>no_attendee</code>');
    expect(html).not.toContain(highlevel);
  });

  it('lists only ignored deliveries with status=ignored', async () => {
    const ignored = await deliver({ topic: 'badge.printed', email: 'b@example.com' });
    const received = await deliver({ topic: 'attendee.registered', email: 'c@example.com', barcode: 'bc-c' });
    const html = (await page(`${PATH}?status=ignored`)).body;
    expect(html).toContain(`data-open-delivery="${ignored}"`);
    expect(html).not.toContain(`data-open-delivery="${received}"`);
  });

  it('shows the config file’s mapping as the base', async () => {
    const html = (await page(PATH)).body;
    expect(html).toMatch(/<th scope="row"><code>phone<\/code><\/th>\s*<td><code>contact.tel<\/code><\/td>/);
    expect(html).toContain('<code>attendee.registered</code> → registration');
  });

  it('shows a hostile topic as text, never as markup', async () => {
    await deliver({ topic: HOSTILE, email: 'd@example.com' });
    const html = (await page(PATH)).body;
    expect(html).not.toContain(HOSTILE);
    expect(html).toContain('&lt;script&gt;');
  });

  it('loads its script from the console’s own assets, with no inline script', async () => {
    const html = (await page(PATH)).body;
    expect(html).toContain('<script src="/console/assets/mapping.js" defer></script>');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const asset = await harness.app.inject({ method: 'GET', url: '/console/assets/mapping.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toContain('text/javascript');
  });
});
