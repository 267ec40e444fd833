/**
 * The agent console on an app: OpenAPI collection first (it must see every route),
 * then authentication (/api/login, /api/logout, /api/me, security headers), the REST API under /api,
 * and the server-rendered pages under /console, with `/` redirecting to them.
 */
import type { FastifyInstance } from 'fastify';
import { registerAdminRoutes } from './api/admin-routes.js';
import { registerApiErrorHandler } from './api/api-error-handler.js';
import { registerAttendeeRoutes } from './api/attendee-routes.js';
import { registerCatalogRoutes } from './api/catalog-routes.js';
import { registerChangeRoutes } from './api/change-routes.js';
import { registerConversationReadRoutes } from './api/conversation-read-routes.js';
import { registerMappingRoutes } from './api/mapping-routes.js';
import { registerMessageWriteRoutes } from './api/message-write-routes.js';
import { registerOpenApi } from './api/openapi.js';
import { registerOpenApiRoutes } from './api/openapi-routes.js';
import { registerNulByteCheck } from './api/reject-nul-bytes.js';
import { registerWorkflowPreviewRoutes } from './api/workflow-preview-routes.js';
import { registerWorkflowRoutes } from './api/workflow-routes.js';
import { registerWorkflowTestRoutes } from './api/workflow-test-routes.js';
import { registerConsoleAuth } from './auth/register-console-auth.js';
import type { ConsoleDeps } from './console-deps.js';
import { registerConsolePages } from './pages/register-pages.js';

export async function registerConsole(app: FastifyInstance, deps: ConsoleDeps): Promise<void> {
  await registerOpenApi(app);
  registerApiErrorHandler(app);
  registerNulByteCheck(app);
  registerConsoleAuth(app, { db: deps.db, secureCookies: deps.secureCookies, logger: deps.logger, now: deps.now });
  registerOpenApiRoutes(app);
  registerConversationReadRoutes(app, deps);
  registerMessageWriteRoutes(app, deps);
  registerAttendeeRoutes(app, deps);
  registerAdminRoutes(app, deps);
  registerWorkflowRoutes(app, deps);
  registerChangeRoutes(app, deps);
  registerWorkflowPreviewRoutes(app);
  registerMappingRoutes(app, deps);
  registerCatalogRoutes(app);
  registerWorkflowTestRoutes(app, deps);
  registerConsolePages(app, deps);
}
