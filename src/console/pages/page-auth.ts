/**
 * Who may open a console page. Pages use the session cookie only (a browser sends no bearer token):
 * nobody → 302 to /console/login?next=<this page>; the wrong role → a 403 page that says which roles may.
 * Sets `request.caller` like requireRole does for the API.
 */
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { resolveCaller } from '../auth/resolve-caller.js';
import type { Role } from '../auth/roles.js';
import { sendPage } from './render-page.js';

export function requirePageRole(...roles: Role[]): preHandlerAsyncHookHandler {
  return async function checkPageRole(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const context = request.server.consoleAuth;
    const resolution = await resolveCaller(context.db, { cookie: request.headers.cookie }, context.now());
    if (resolution.caller === null) {
      const next = encodeURIComponent(request.url);
      await reply.redirect(`/console/login?next=${next}`, 302);
      return;
    }
    if (!roles.includes(resolution.caller.role)) {
      await sendPage(
        reply,
        'forbidden',
        resolution.caller,
        { title: 'Not allowed', allowedRoles: roles.join(', ') },
        403,
      );
      return;
    }
    request.caller = resolution.caller;
  };
}
