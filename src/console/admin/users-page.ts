/**
 * GET /console/admin/users: the Users page (admin only). Lists every user with role, state, login
 * throttling and API tokens; its forms (disable/enable, role, unlock, revoke) are sent by console.js
 * to the Users API (users-routes.ts) with the session's CSRF header.
 */
import type { FastifyInstance } from 'fastify';
import { ROLES } from '../auth/roles.js';
import type { ConsoleDeps } from '../console-deps.js';
import { pageCaller } from '../pages/error-page.js';
import { requirePageRole } from '../pages/page-auth.js';
import { sendPage } from '../pages/render-page.js';
import { listUserAccounts } from './users.js';

export function registerUsersPage(app: FastifyInstance, deps: ConsoleDeps): void {
  app.get('/console/admin/users', { preHandler: requirePageRole('admin') }, async (request, reply) => {
    const caller = pageCaller(request);
    return sendPage(reply, 'admin-users', caller, {
      title: 'Users',
      nav: 'admin-users',
      users: await listUserAccounts(deps),
      roles: ROLES,
      selfId: caller.userId,
    });
  });
}
