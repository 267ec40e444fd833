/**
 * The Users admin API (admin only; cookie callers send x-csrf-token like every change):
 *   GET  /api/admin/users                                     users with role, state, throttling, tokens
 *   POST /api/admin/users/:userId/disable                     ends their sessions, revokes their tokens
 *   POST /api/admin/users/:userId/enable
 *   PUT  /api/admin/users/:userId/role      { role }
 *   POST /api/admin/users/:userId/unlock                      clears login throttling for their email
 *   POST /api/admin/users/:userId/tokens/:tokenId/revoke
 * The work is in users.ts, which the Users page calls too.
 */
import type { FastifyInstance } from 'fastify';
import { apiRoute } from '../api/api-route.js';
import type { Role } from '../auth/roles.js';
import type { ConsoleDeps } from '../console-deps.js';
import { changeUser, listUserAccounts, type UserChange } from './users.js';
import {
  roleBodySchema,
  tokenParamsSchema,
  userChangeSchema,
  userListSchema,
  userParamsSchema,
} from './users-schemas.js';

const ADMIN = ['admin'] as const;
const TAG = 'admin';

export function registerUserAdminRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  apiRoute(app, {
    method: 'GET',
    url: '/api/admin/users',
    roles: ADMIN,
    tag: TAG,
    summary: 'Console users: role, state, login throttling and API tokens (never a token itself)',
    schema: { response: { 200: userListSchema } },
    handler: async () => ({ users: await listUserAccounts(deps) }),
  });

  const change = (
    method: 'POST' | 'PUT',
    path: string,
    summary: string,
    changeOf: (params: Record<string, string>, body: unknown) => UserChange,
    extra: { params?: object; body?: object } = {},
  ) =>
    apiRoute(app, {
      method,
      url: `/api/admin/users/:userId${path}`,
      roles: ADMIN,
      tag: TAG,
      summary,
      schema: {
        params: extra.params ?? userParamsSchema,
        ...(extra.body ? { body: extra.body } : {}),
        response: { 200: userChangeSchema },
      },
      handler: async (request, _reply, caller) => {
        const params = request.params as Record<string, string>;
        const { user, result } = await changeUser(deps, caller, params.userId ?? '', changeOf(params, request.body));
        return { user, ...result };
      },
    });

  change('POST', '/disable', 'Disable a user: their sessions end and their API tokens are revoked at once', () => ({
    action: 'disable',
  }));
  change('POST', '/enable', 'Enable a disabled user (tokens revoked on disable stay revoked)', () => ({
    action: 'enable',
  }));
  change(
    'PUT',
    '/role',
    "Set a user's role; the next request already carries it",
    (_params, body) => ({ action: 'set_role', role: (body as { role: Role }).role }),
    { body: roleBodySchema },
  );
  change('POST', '/unlock', "Clear login throttling for the user's email", () => ({ action: 'unlock' }));
  change(
    'POST',
    '/tokens/:tokenId/revoke',
    "Revoke one of the user's API tokens; the next request with it is 401",
    (params) => ({ action: 'revoke_token', tokenId: params.tokenId ?? '' }),
    { params: tokenParamsSchema },
  );
}
