/**
 * Every `/api` route is declared through `apiRoute`, so none can forget its role check: the roles go
 * into `requireRole` (401 unauthenticated, 403 wrong role, 403 csrf_failed) and into the OpenAPI
 * operation as `x-parley-roles`, which the role-matrix test reads to probe every route with every role.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifySchema, HTTPMethods } from 'fastify';
import { requireRole } from '../auth/require-role.js';
import type { Caller } from '../auth/resolve-caller.js';
import type { Role } from '../auth/roles.js';

export const ROLES_EXTENSION = 'x-parley-roles';

export interface ApiRouteDefinition {
  method: HTTPMethods;
  /** Fastify path under /api, e.g. `/api/conversations/:conversationId`. */
  url: string;
  roles: readonly Role[];
  /** OpenAPI summary and tag; `schema` carries params/querystring/body/response JSON schemas. */
  summary: string;
  tag: string;
  schema?: Omit<FastifySchema, 'summary' | 'tags'>;
  /** Produces the reply body (JSON) or sends on `reply` itself (streams, downloads). */
  handler(request: FastifyRequest, reply: FastifyReply, caller: Caller): Promise<unknown>;
}

export function apiRoute(app: FastifyInstance, route: ApiRouteDefinition): void {
  if (!route.url.startsWith('/api/')) throw new TypeError(`apiRoute: ${route.url} must start with /api/`);
  app.route({
    method: route.method,
    url: route.url,
    schema: {
      ...route.schema,
      summary: route.summary,
      tags: [route.tag],
      security: [{ session: [] }, { bearer: [] }],
      [ROLES_EXTENSION]: [...route.roles],
    } as FastifySchema,
    // preValidation, not preHandler: the caller is checked before the body is validated, so an
    // unauthenticated request gets 401 and never learns what a valid body looks like.
    preValidation: requireRole(...route.roles),
    handler: async (request, reply) => {
      const caller = request.caller;
      if (caller === null) throw new Error('requireRole let an unknown caller through');
      return route.handler(request, reply, caller);
    },
  });
}
