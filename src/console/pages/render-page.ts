/**
 * Server-rendered console pages: Liquid templates in ./templates with every output
 * HTML-escaped by default (`outputEscape: 'escape'`), so attendee text can never become markup.
 * A page template starts with `{% layout 'layout' %}` and fills `{% block content %}`; the layout
 * gives the navigation for the caller's role, the CSRF token for console.js, and the skip link.
 */
import { fileURLToPath } from 'node:url';
import type { FastifyReply } from 'fastify';
import { Liquid } from 'liquidjs';
import type { Caller } from '../auth/resolve-caller.js';
import { ROLE_PERMISSIONS } from '../auth/roles.js';
import { csrfTokenFor } from '../auth/secret-tokens.js';

const TEMPLATES_DIR = fileURLToPath(new URL('./templates/', import.meta.url));

const liquid = new Liquid({
  root: TEMPLATES_DIR,
  extname: '.liquid',
  outputEscape: 'escape',
  cache: true,
  strictFilters: true,
  jsTruthy: true,
  ownPropertyOnly: true,
});

liquid.registerFilter('datetime', (value: unknown) => {
  const ms = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(ms) || ms <= 0) return '';
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
});

export interface PageContext {
  /** The <title> and <h1>. */
  title: string;
  /** Which navigation entry is current (`search`, `admin-connections`, …). */
  nav?: string;
  [key: string]: unknown;
}

/** Renders `templates/<name>.liquid` for the caller (null on the login page) and sends it as HTML. */
export async function sendPage(
  reply: FastifyReply,
  name: string,
  caller: Caller | null,
  context: PageContext,
  status = 200,
): Promise<FastifyReply> {
  const html = await liquid.renderFile(name, {
    ...context,
    caller: caller ? { email: caller.email, role: caller.role } : null,
    permissions: caller ? ROLE_PERMISSIONS[caller.role] : null,
    csrfToken: caller?.sessionId ? csrfTokenFor(caller.sessionId) : '',
  });
  return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
}
