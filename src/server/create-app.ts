/**
 * parley's HTTP application. Routes are added by the domain that owns them (intake, OAuth, console API);
 * this file only composes them and serves liveness and readiness.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Logger } from '../logging/create-logger.js';

export interface AppOptions {
  logger: Logger;
  /** Resolves when every dependency the app needs (database, …) answers; rejects with the reason otherwise. */
  checkReady: () => Promise<Record<string, string>>;
}

export function createApp(options: AppOptions): FastifyInstance {
  // pino's Logger is a FastifyBaseLogger; the cast keeps the instance's default generic parameters.
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    // Request logs would carry URLs, whose query strings can hold attendee emails (DESIGN C10).
    logController: new LogController({ disableRequestLogging: true }),
  });

  // Liveness: the process is up and its event loop turns. Never touches dependencies, so a slow
  // database cannot get a healthy process restarted.
  app.get('/healthz', async () => ({ status: 'ok' }));

  // Readiness: dependencies answer. 503 tells a load balancer to send traffic elsewhere meanwhile.
  app.get('/readyz', async (_request, reply) => {
    try {
      return { status: 'ready', checks: await options.checkReady() };
    } catch (error) {
      return reply
        .code(503)
        .send({ status: 'not_ready', reason: error instanceof Error ? error.message : 'dependency check failed' });
    }
  });

  return app;
}
