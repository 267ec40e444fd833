/**
 * The sandbox's answers for requests that fail before a handler runs: unknown routes (NestJS-style
 * "Cannot GET /x" 404, with rate-limit headers like every API answer) and body-parsing errors
 * (malformed JSON or an unsupported content type → 400 BadRequestDTO, specs/highlevel/common/common-schemas.json).
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import type { Logger } from '../../lib/create-logger.js';
import { badRequest, internalError, routeNotFound } from './api-error-bodies.js';
import { sendError } from './api-routes.js';
import { authenticate, rateLimitKey } from './authenticate.js';
import type { RateLimiter } from './rate-limiter.js';
import type { TokenStore } from './token-store.js';

export interface ErrorHandlerDeps {
  tokens: TokenStore;
  rateLimiter: RateLimiter;
  logger: Logger;
}

export function registerErrorHandlers(app: FastifyInstance, deps: ErrorHandlerDeps): void {
  app.setNotFoundHandler((request, reply) => {
    const notFound = routeNotFound(request.method, request.url);
    if (request.url.startsWith('/sandbox/')) return sendError(reply, notFound);
    const auth = authenticate(request.headers.authorization, deps.tokens);
    const headers = auth.ok ? deps.rateLimiter.peek(rateLimitKey(auth.principal)) : deps.rateLimiter.maxima();
    return sendError(reply, notFound, headers);
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    switch (error.code) {
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return sendError(reply, badRequest(error.message));
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return sendError(
          reply,
          badRequest(`Unsupported Content-Type "${request.headers['content-type'] ?? ''}": send application/json`),
        );
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return sendError(reply, { status: 413, body: { statusCode: 413, message: 'Request body is too large' } });
    }
    if (error instanceof SyntaxError) return sendError(reply, badRequest(`Body is not valid JSON: ${error.message}`));
    if (error.validation) return sendError(reply, badRequest(error.message));
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return sendError(reply, { status, body: { statusCode: status, message: error.message } });
    }
    deps.logger.error({ err: error, url: request.url }, 'sandbox request failed');
    return sendError(reply, internalError());
  });
}
