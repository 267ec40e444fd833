/**
 * Turns what a console handler throws into the API's one error shape `{ error, message, field? }`:
 * ConsoleError by its code; Fastify's schema validation as invalid_request naming the field; the
 * index's argument errors as invalid_request; a HighLevel failure as upstream_failed with HighLevel's
 * own code and status (never its request copy). Anything else is a 500 whose details stay in the log.
 * Routes outside /api and /console keep Fastify's default handling.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { HighLevelError } from '../../highlevel/errors.js';
import { IndexError } from '../../index/index-error.js';
import { ConsoleError } from '../console-error.js';

export function toConsoleError(error: unknown): ConsoleError | null {
  if (error instanceof ConsoleError) return error;
  if (error instanceof IndexError) {
    return error.code === 'sync_failed' ? null : new ConsoleError('invalid_request', error.message);
  }
  if (error instanceof HighLevelError) {
    if (error.status === 404)
      return new ConsoleError('not_found', `HighLevel has no such record (${error.operationId})`);
    return new ConsoleError('upstream_failed', `HighLevel ${error.operationId} failed: ${error.message}`, {
      upstream: { code: error.code, status: error.status, messages: error.messages, traceId: error.traceId },
    });
  }
  const validation = (error as FastifyError).validation;
  if (Array.isArray(validation) && validation.length > 0) {
    const first = validation[0] as { instancePath?: string; params?: Record<string, unknown> };
    const missing = typeof first.params?.missingProperty === 'string' ? first.params.missingProperty : undefined;
    const path = (first.instancePath ?? '').replace(/^\//, '').replaceAll('/', '.');
    const context = (error as FastifyError & { validationContext?: string }).validationContext;
    const field = missing ?? (path || context || 'request');
    return new ConsoleError('invalid_request', (error as Error).message, { field });
  }
  return null;
}

export function registerApiErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler(async (error, request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if (!(path.startsWith('/api/') || path.startsWith('/console'))) return reply.send(error);
    const mapped = toConsoleError(error);
    if (mapped) return reply.code(mapped.status).send(mapped.toJSON());
    const status = (error as FastifyError).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return reply.code(status).send({ error: 'invalid_request', message: (error as Error).message });
    }
    request.log.error({ err: error, url: path }, 'console request failed');
    return reply.code(500).send({ error: 'internal', message: 'the request failed; the server log has details' });
  });
}
