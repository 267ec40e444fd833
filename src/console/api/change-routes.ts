/**
 * GET /api/admin/changes, admin only: the audit log of admins' changes in the console (workflows
 * saved, restored, imported, deleted and switched; the mapping), newest first, keyset paged.
 */
import type { FastifyInstance } from 'fastify';
import { listChanges } from '../admin/change-log.js';
import type { ConsoleDeps } from '../console-deps.js';
import { apiRoute } from './api-route.js';

export function registerChangeRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  apiRoute(app, {
    method: 'GET',
    url: '/api/admin/changes',
    roles: ['admin'],
    tag: 'admin',
    summary: 'What admins changed in the console (workflows, switches, the mapping), who and when, newest first',
    schema: {
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          target: { type: 'string', minLength: 1, description: 'Only changes to this workflow (or `mapping`)' },
          limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
          cursor: { type: 'string', minLength: 1, description: 'nextCursor from the previous page' },
        },
      },
    },
    handler: async (request) => {
      const query = request.query as { target?: string; limit: number; cursor?: string };
      const page = await listChanges(deps.db, query);
      return { changes: page.items, nextCursor: page.nextCursor };
    },
  });
}
