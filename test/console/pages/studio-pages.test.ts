/**
 * The workflow studio's pages as a browser session gets them, server-rendered: who may open them, the
 * navigation entry, scripts only from the console's assets (every module they import served too), and
 * a workflow name from the URL kept as text. What the pages do in the browser is
 * test/browser/workflow-studio.test.ts.
 */
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../../src/console/auth/roles.js';
import { CONSOLE_PASSWORD, type ConsoleApp, startConsoleApp } from '../../helpers/console-app.js';

const ASSETS = fileURLToPath(new URL('../../../src/console/pages/assets/', import.meta.url));
const PAGES = ['/console/studio', '/console/studio/new', '/console/studio/workflows/vip-checkin'];

describe('workflow studio pages [sqlite]', () => {
  let harness: ConsoleApp;
  const cookies = new Map<Role, string>();

  async function page(path: string, role: Role = 'admin') {
    let cookie = cookies.get(role);
    if (cookie === undefined) {
      const login = await harness.app.inject({
        method: 'POST',
        url: '/api/login',
        payload: { email: harness.email(role), password: CONSOLE_PASSWORD },
      });
      cookie = ([login.headers['set-cookie']].flat()[0] ?? '').split(';')[0] ?? '';
      cookies.set(role, cookie);
    }
    return harness.app.inject({ method: 'GET', url: path, headers: { cookie } });
  }

  beforeAll(async () => {
    harness = await startConsoleApp('sqlite', { attendees: 1, sync: false });
  });
  afterAll(async () => harness?.close());

  it('sends a signed-out visitor to the login page', async () => {
    const response = await harness.app.inject({ method: 'GET', url: '/console/studio/new' });
    expect(response.statusCode).toBe(302);
    expect(response.headers.location).toBe(`/console/login?next=${encodeURIComponent('/console/studio/new')}`);
  });

  it('answers 403 to every role but admin', async () => {
    for (const role of ['viewer', 'agent', 'sponsor'] as const) {
      for (const path of PAGES) expect((await page(path, role)).statusCode, `${role} ${path}`).toBe(403);
    }
  });

  it('opens each page for an admin with Studio current in the navigation', async () => {
    for (const path of PAGES) {
      const response = await page(path);
      expect(response.statusCode, path).toBe(200);
      expect(response.body, path).toContain('<a href="/console/studio" aria-current="page">Studio</a>');
    }
  });

  it('shows the Studio entry only to admins', async () => {
    expect((await page('/console')).body).toContain('href="/console/studio"');
    expect((await page('/console', 'agent')).body).not.toContain('href="/console/studio"');
  });

  it('loads its scripts as modules from the console’s assets, with no inline script', async () => {
    for (const path of PAGES) {
      const html = (await page(path)).body;
      expect(html, path).toMatch(/<script type="module" src="\/console\/assets\/studio-(list|editor)\.js"><\/script>/);
      expect(html, path).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    }
  });

  it('serves every studio module the pages import, as JavaScript', async () => {
    const files = (await readdir(ASSETS)).filter((name) => name.startsWith('studio'));
    for (const file of files) {
      const imports = [...(await readFile(`${ASSETS}${file}`, 'utf8')).matchAll(/from '\.\/([^']+)'/g)].map(
        (m) => m[1],
      );
      for (const imported of imports) expect(files, `${file} imports ${imported}`).toContain(imported);
      const response = await page(`/console/assets/${file}`);
      expect(response.statusCode, file).toBe(200);
      expect(response.headers['content-type'], file).toContain(file.endsWith('.js') ? 'text/javascript' : 'text/css');
    }
  });

  it('keeps a workflow name from the URL as text', async () => {
    const html = (await page(`/console/studio/workflows/${encodeURIComponent('<b>x</b>')}`)).body;
    expect(html).toContain('data-name="&lt;b&gt;x&lt;/b&gt;"');
    expect(html).not.toContain('<b>x</b>');
  });

  it('starts from a built-in named in ?from=, and from scratch for anything else', async () => {
    expect((await page('/console/studio/new?from=checkin-welcome')).body).toContain('data-from="checkin-welcome"');
    expect((await page(`/console/studio/new?from=${encodeURIComponent('"><script>')}`)).body).toContain('data-from=""');
  });
});
