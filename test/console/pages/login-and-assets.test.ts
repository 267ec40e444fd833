/** Console pages around sign-in: the login form, the page redirects, and the asset allow-list. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_PASSWORD, type ConsoleApp, startConsoleApp } from '../../helpers/console-app.js';

async function sessionCookie(harness: ConsoleApp, role: 'viewer' | 'agent' | 'admin' | 'sponsor'): Promise<string> {
  const response = await harness.app.inject({
    method: 'POST',
    url: '/api/login',
    payload: { email: harness.email(role), password: CONSOLE_PASSWORD },
  });
  expect(response.statusCode).toBe(200);
  const header = response.headers['set-cookie'];
  const first = Array.isArray(header) ? header[0] : header;
  return (first ?? '').split(';')[0] ?? '';
}

describe('console sign-in pages and assets [sqlite]', () => {
  let harness: ConsoleApp;
  beforeAll(async () => {
    harness = await startConsoleApp('sqlite', { attendees: 2, sync: false });
  });
  afterAll(async () => harness?.close());

  it('redirects / to /console', async () => {
    const root = await harness.app.inject({ url: '/' });
    expect(root.statusCode).toBe(302);
    expect(root.headers.location).toBe('/console');
  });

  it('redirects a signed-out /console to the login page with next', async () => {
    const search = await harness.app.inject({ url: '/console?topic=refund' });
    expect(search.statusCode).toBe(302);
    expect(search.headers.location).toBe(`/console/login?next=${encodeURIComponent('/console?topic=refund')}`);
  });

  it('serves a labelled login form that posts to /api/login', async () => {
    const response = await harness.app.inject({ url: '/console/login' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/html');
    expect(response.headers['content-security-policy']).toBe("default-src 'self'");
    const html = response.body;
    expect(html).toMatch(/<form[^>]*data-api="\/api\/login"[^>]*data-method="POST"[^>]*data-redirect="\/console"/);
    expect(html).toContain('<label for="login-email">Email</label>');
    expect(html).toMatch(/<input id="login-email" name="email" type="email" autocomplete="username"/);
    expect(html).toContain('<label for="login-password">Password</label>');
    expect(html).toMatch(/<input id="login-password" name="password" type="password" autocomplete="current-password"/);
    expect(html).toMatch(/class="flash form-status" role="alert"/);
    // No inline scripts or handlers: the CSP would block them.
    expect(html).not.toMatch(/<script>|\son[a-z]+=/);
  });

  it('sends a signed-in user from the login page to /console', async () => {
    const cookie = await sessionCookie(harness, 'viewer');
    const response = await harness.app.inject({ url: '/console/login', headers: { cookie } });
    expect(response.statusCode).toBe(302);
    expect(response.headers.location).toBe('/console');
  });

  it('serves the stylesheets as CSS with cache-control no-cache', async () => {
    const css = await harness.app.inject({ url: '/console/assets/console.css' });
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.headers['cache-control']).toBe('no-cache');
    expect(css.body).toContain(':focus-visible');

    const conversations = await harness.app.inject({ url: '/console/assets/conversations.css' });
    expect(conversations.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(conversations.body).toContain('.message.outbound');
  });

  it('serves the script as JavaScript', async () => {
    const js = await harness.app.inject({ url: '/console/assets/console.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.body).toContain('x-csrf-token');
  });

  it('serves the icon as SVG', async () => {
    const icon = await harness.app.inject({ url: '/console/assets/favicon.svg' });
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['content-type']).toBe('image/svg+xml');
  });

  async function expectNotServed(url: string) {
    const response = await harness.app.inject({ url });
    expect(response.statusCode, url).toBe(404);
    expect(response.body, url).not.toContain('"name": "parley"');
  }

  it('refuses asset paths outside the assets folder', async () => {
    for (const url of [
      '/console/assets/..%2f..%2fpackage.json',
      '/console/assets/..%2fregister-pages.ts',
      '/console/assets/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fpackage.json',
      '/console/assets/../../package.json',
    ]) {
      await expectNotServed(url);
    }
  });

  it('answers 404 for an asset that is not there', async () => {
    await expectNotServed('/console/assets/missing.css');
  });
});
