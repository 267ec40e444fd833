/**
 * Turns what a console handler throws into the API's one error shape `{ error, message, field? }`:
 * ConsoleError by its code; Fastify's schema validation as invalid_request naming the field; the
 * index's argument errors as invalid_request; a HighLevel failure as upstream_failed with HighLevel's
 * own code and status (never its request copy). An unusable database is a 503 and anything else a 500,
 * both with their details in the log only. Routes outside /api and /console get the app's root answers.
 */
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { HighLevelError } from '../../highlevel/errors.js';
import { IndexError } from '../../index/index-error.js';
import { clientErrorStatus, type ErrorAnswer, sendAnswer, serverErrorAnswer } from '../../server/public-errors.js';
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

/** The console's answer for an error on its paths; null for other paths. */
export function consoleErrorAnswer(error: unknown, request: FastifyRequest): ErrorAnswer | null {
  const path = request.url.split('?')[0] ?? '';
  if (!(path.startsWith('/api/') || path.startsWith('/console'))) return null;
  const mapped = toConsoleError(error);
  if (mapped) return { status: mapped.status, body: mapped.toJSON() };
  const status = clientErrorStatus(error);
  if (status !== null) return { status, body: { error: 'invalid_request', message: (error as Error).message } };
  request.log.error({ err: error, url: path }, 'console request failed');
  // A store that is down is a 503 with no details, as everywhere in the app (src/server/public-errors.ts).
  return serverErrorAnswer(error);
}

export function registerApiErrorHandler(app: FastifyInstance): void {
  // Apps from createApp have one root handler that takes mappers; a bare Fastify app gets a handler.
  if (app.addErrorMapper) {
    app.addErrorMapper(consoleErrorAnswer);
    return;
  }
  app.setErrorHandler(async (error, request, reply) => {
    const answer = consoleErrorAnswer(error, request);
    return answer ? sendAnswer(reply, answer) : reply.send(error);
  });
}
