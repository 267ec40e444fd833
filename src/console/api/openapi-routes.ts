/**
 * GET /api/openapi.json (the document @fastify/swagger built from every `apiRoute` schema, see
 * openapi.ts) and GET /api/docs (the same document as a server-rendered HTML page, see
 * api-docs-page.ts). Both need a signed-in caller of any role: every /api route rejects
 * unauthenticated callers, and /api/login is the only exception.
 */
import type { FastifyInstance } from 'fastify';
import { ROLES } from '../auth/roles.js';
import { sendPage } from '../pages/render-page.js';
import { type OpenApiDocument, toApiDocsView } from './api-docs-page.js';
import { apiRoute } from './api-route.js';

export function registerOpenApiRoutes(app: FastifyInstance): void {
  apiRoute(app, {
    method: 'GET',
    url: '/api/openapi.json',
    roles: ROLES,
    summary: 'This API as an OpenAPI 3 document',
    tag: 'documentation',
    schema: { response: { 200: { type: 'object', additionalProperties: true } } },
    // app.swagger() builds the document on first call after app.ready() and caches it.
    handler: async () => app.swagger(),
  });

  apiRoute(app, {
    method: 'GET',
    url: '/api/docs',
    roles: ROLES,
    summary: 'This API as an HTML page: every operation with its roles, parameters and body fields',
    tag: 'documentation',
    handler: async (_request, reply, caller) => {
      const view = toApiDocsView(app.swagger() as unknown as OpenApiDocument);
      return sendPage(reply, 'api-docs', caller, { title: 'Console API', nav: 'api-docs', ...view });
    },
  });
}
