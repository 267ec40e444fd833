/**
 * parley's HTTP application. Routes are added by the domain that owns them (intake, OAuth, console API);
 * this file only composes them, serves liveness and readiness, and sets what holds for every route:
 * which proxies are trusted for the client address, the connection timeouts, and the root error
 * handler that keeps internal details out of every answer.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';

import type { Logger } from '../lib/create-logger.js';
import { installPublicErrorHandler } from './public-errors.js';
import { NotReadyError } from './readiness.js';
import type { ServerConfig } from './server-settings.js';
import { DEFAULT_SERVER_TIMEOUTS } from './server-settings.js';
import { serverTimeoutOptions } from './server-timeouts.js';

export interface AppOptions {
  logger: Logger;
  /**
   * Resolves when every dependency the app needs (database, …) answers; rejects otherwise. A
   * NotReadyError's message is shown to callers; any other rejection is logged and shown generically.
   */
  checkReady: () => Promise<Record<string, string>>;
  /** Config `server:` (proxy trust, timeouts). Default: no proxy trusted, DEFAULT_SERVER_TIMEOUTS. */
  server?: Partial<Pick<ServerConfig, 'trustProxy' | 'timeouts'>>;
}

export function createApp(options: AppOptions): FastifyInstance {
  // pino's Logger is a FastifyBaseLogger; the cast keeps the instance's default generic parameters.
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    // Off: request logs would carry URLs, whose query strings can hold attendee emails.
    logController: new LogController({ disableRequestLogging: true }),
    // request.ip, used wherever parley needs the client (login throttling, /metrics), honours it.
    trustProxy: fastifyTrustProxy(options.server?.trustProxy ?? false),
    ...serverTimeoutOptions(options.server?.timeouts ?? DEFAULT_SERVER_TIMEOUTS),
  });
  installPublicErrorHandler(app);

  // Liveness: the process is up and its event loop turns. Never touches dependencies, so a slow
  // database cannot get a healthy process restarted.
  app.get('/healthz', async () => ({ status: 'ok' }));

  // Readiness: dependencies answer. 503 tells a load balancer to send traffic elsewhere meanwhile.
  app.get('/readyz', async (request, reply) => {
    try {
      return { status: 'ready', checks: await options.checkReady() };
    } catch (error) {
      if (error instanceof NotReadyError) {
        return reply.code(503).send({ status: 'not_ready', reason: error.message, checks: error.checks });
      }
      // Readiness is public; whatever the check threw stays in the log.
      request.log.warn({ err: error }, 'readiness check failed');
      return reply.code(503).send({ status: 'not_ready', reason: 'dependency check failed' });
    }
  });

  return app;
}

/**
 * Fastify 5 ignores a bare hop count: it cannot tell a proxy from a client that connects directly
 * (https://fastify.dev/docs/latest/Reference/Server/#trustproxy). parley keeps the count as configured,
 * with the same caveat as `true` (README, `server.trustProxy`): only when clients cannot bypass the proxy.
 */
function fastifyTrustProxy(
  trust: ServerConfig['trustProxy'],
): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trust !== 'number') return trust;
  return (_address, hop) => hop < trust;
}
