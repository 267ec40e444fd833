/**
 * GET /console/login: email and password, posted by console.js to /api/login as JSON; the session
 * cookie comes back with the answer and console.js follows ?next= (console paths only) or /console.
 * Someone already signed in goes straight to the conversations.
 */
import type { FastifyInstance } from 'fastify';
import { resolveCaller } from '../auth/resolve-caller.js';
import type { ConsoleDeps } from '../console-deps.js';
import { sendPage } from './render-page.js';

export function registerLoginPage(app: FastifyInstance, deps: Pick<ConsoleDeps, 'db' | 'now'>): void {
  app.get('/console/login', async (request, reply) => {
    // Cookie only: a browser opening this page sends no bearer token.
    const resolution = await resolveCaller(deps.db, { cookie: request.headers.cookie }, deps.now());
    if (resolution.caller !== null) return reply.redirect('/console', 302);
    return sendPage(reply, 'login', null, { title: 'Sign in' });
  });
}
