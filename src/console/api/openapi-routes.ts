/** GET /api/openapi.json and the docs page. Placeholder: filled in by the engineer who owns this file. */
import type { FastifyInstance } from 'fastify';

export function registerOpenApiRoutes(_app: FastifyInstance): void {}
