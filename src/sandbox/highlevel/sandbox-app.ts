/**
 * Assembles the sandbox's Fastify app: body parsers, error answers, the /sandbox/* control routes, and
 * — inside one encapsulated context that the fault injector hooks — the API routes, the token endpoint
 * the consent page and the workflows' targetUrl. Faults therefore reach API and OAuth routes and never /sandbox/*.
 */
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Logger } from '../../lib/create-logger.js';
import { type AdminControls, registerAdminRoutes } from './admin-routes.js';
import { type ApiRouteDeps, registerApiRoutes } from './api-routes.js';
import { type ConsentDeps, registerConsentRoutes } from './consent-routes.js';
import { registerErrorHandlers } from './error-handlers.js';
import type { FaultInjector } from './fault-injector.js';
import { acceptEmptyJsonBodies } from './json-body-parser.js';
import { MAX_UPLOAD_FILE_BYTES } from './multipart-upload.js';
import { registerTokenEndpoint, type TokenEndpointDeps } from './token-endpoint.js';
import { type ExecuteRouteDeps, registerExecuteRoute } from './workflow-execute.js';
import { registerWorkflowRoutes, type WorkflowControls } from './workflow-routes.js';

export interface SandboxAppParts {
  logger: Logger;
  api: ApiRouteDeps;
  tokenEndpoint: TokenEndpointDeps;
  consent: ConsentDeps;
  admin: AdminControls;
  /** The workflow engine's control routes and the targetUrl Marketplace apps fire. */
  workflows: { controls: WorkflowControls; execute: ExecuteRouteDeps };
  faults: FaultInjector;
  /** Runs before the server stops accepting connections (release hung requests, stop webhook retries). */
  onClose: () => void;
}

export function buildSandboxApp(parts: SandboxAppParts): FastifyInstance {
  const app: FastifyInstance = Fastify({
    loggerInstance: parts.logger as FastifyBaseLogger,
    // Per-request logs would be noise; handler failures and webhook failures are logged where they happen.
    logController: new LogController({ disableRequestLogging: true }),
  });
  app.register(formbody);
  app.register(multipart, { limits: { fileSize: MAX_UPLOAD_FILE_BYTES } });
  registerErrorHandlers(app, { tokens: parts.api.tokens, rateLimiter: parts.api.rateLimiter, logger: parts.logger });
  app.addHook('preClose', async () => parts.onClose());

  app.register(async (admin) => registerAdminRoutes(admin, parts.admin));
  app.register(async (admin) => registerWorkflowRoutes(admin, parts.workflows.controls));
  app.register(async (api) => {
    api.addHook('onRequest', parts.faults.onRequest);
    acceptEmptyJsonBodies(api);
    registerApiRoutes(api, parts.api);
    registerTokenEndpoint(api, parts.tokenEndpoint);
    registerConsentRoutes(api, parts.consent);
    registerExecuteRoute(api, parts.workflows.execute);
  });
  return app;
}
