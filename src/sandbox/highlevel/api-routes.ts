/**
 * One Fastify route per API operation, generated from the catalog. Each request runs
 * auth → scope → rate limit (onRequest, before the body is read) → Version header, content type and
 * schema validation → the domain handler. Faults apply before all of it (fault-injector.ts).
 * Every answer of these routes carries the five X-RateLimit-* headers
 * (https://marketplace.gohighlevel.com/docs/other/rate-limits).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../../lib/create-logger.js';
import { badRequest, type ErrorReply, internalError, tooManyRequests, unprocessable } from './api-error-bodies.js';
import { type ApiOperation, toRoutePath } from './api-operations.js';
import { checkVersionHeader } from './api-versions.js';
import { authenticate, authorize, rateLimitKey } from './authenticate.js';
import { missingAttachments, readUpload, UPLOAD_OPERATION_ID } from './multipart-upload.js';
import type { RateLimiter, RateLimitHeaders } from './rate-limiter.js';
import type { RequestValidator } from './request-validator.js';
import type { SandboxStats } from './sandbox-stats.js';
import type { TokenStore } from './token-store.js';
import type { OperationHandler, SandboxContext, SandboxFile, SandboxPrincipal, SandboxResponse } from './types.js';

export interface ApiRouteDeps {
  operations: readonly ApiOperation[];
  handlers: Record<string, OperationHandler>;
  validator: RequestValidator;
  tokens: TokenStore;
  rateLimiter: RateLimiter;
  context: SandboxContext;
  stats: SandboxStats;
  logger: Logger;
}

export function sendError(reply: FastifyReply, error: ErrorReply, headers?: RateLimitHeaders): FastifyReply {
  if (headers) reply.headers(headers);
  return reply.code(error.status).send(error.body);
}

function sendResponse(reply: FastifyReply, response: SandboxResponse): FastifyReply {
  reply.code(response.status);
  if (response.headers) reply.headers(response.headers);
  if (response.raw !== undefined) return reply.send(response.raw);
  if (response.body === undefined) return reply.send();
  return reply.type('application/json').send(JSON.stringify(response.body));
}

function mediaType(request: FastifyRequest): string {
  return (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

function hasBody(request: FastifyRequest): boolean {
  return Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined;
}

export function registerApiRoutes(app: FastifyInstance, deps: ApiRouteDeps): void {
  const { tokens, rateLimiter, validator, stats, logger } = deps;
  const principals = new WeakMap<FastifyRequest, SandboxPrincipal>();

  const gate = (op: ApiOperation) => async (request: FastifyRequest, reply: FastifyReply) => {
    const auth = authenticate(request.headers.authorization, tokens);
    if (!auth.ok) return sendError(reply, auth.reply, rateLimiter.maxima());
    const key = rateLimitKey(auth.principal);
    const denied = authorize(auth.principal, auth.kind, op);
    if (denied) return sendError(reply, denied, rateLimiter.peek(key));
    const decision = rateLimiter.consume(key);
    if (!decision.allowed) {
      stats.rateLimited += 1;
      // Our addition: HighLevel documents no Retry-After (docs/highlevel-api.md).
      reply.header('Retry-After', String(decision.retryAfterSeconds));
      return sendError(reply, tooManyRequests(), decision.headers);
    }
    reply.headers(decision.headers);
    principals.set(request, auth.principal);
    return undefined;
  };

  const handle = (op: ApiOperation) => async (request: FastifyRequest, reply: FastifyReply) => {
    const principal = principals.get(request);
    if (!principal) return sendError(reply, internalError('Request reached its handler unauthenticated'));
    if (op.version !== null) {
      const version = checkVersionHeader(request.headers['version'], op.version);
      if (!version.ok) return sendError(reply, badRequest(version.message));
    }
    let body: unknown = request.body;
    let files: SandboxFile[] = [];
    if (op.operationId === UPLOAD_OPERATION_ID) {
      const upload = await readUpload(request);
      if (!upload.ok) return sendError(reply, upload.reply);
      body = upload.fields;
      files = upload.files;
    } else if (op.bodyContentType && hasBody(request) && mediaType(request) !== op.bodyContentType) {
      return sendError(reply, badRequest(`Content-Type must be ${op.bodyContentType}`));
    }
    const input = {
      params: request.params as Record<string, string>,
      query: request.query as Record<string, unknown>,
      body: op.bodyContentType ? body : undefined,
    };
    const valid = validator.validate(op.operationId, input);
    if (!valid.ok) return sendError(reply, unprocessable(valid.messages));
    if (op.operationId === UPLOAD_OPERATION_ID) {
      const missing = missingAttachments(valid.body, files);
      if (missing) return sendError(reply, unprocessable([missing]));
    }
    const handler = deps.handlers[op.operationId];
    if (!handler) {
      return sendError(reply, {
        status: 501,
        body: { statusCode: 501, message: `Not implemented in the sandbox: ${op.operationId}` },
      });
    }
    try {
      const response = await handler(
        { operationId: op.operationId, params: valid.params, query: valid.query, body: valid.body, files, principal },
        deps.context,
      );
      return sendResponse(reply, response);
    } catch (error) {
      logger.error({ err: error, operationId: op.operationId }, 'sandbox handler failed');
      return sendError(reply, internalError());
    }
  };

  for (const op of deps.operations) {
    const url = toRoutePath(op.path);
    // `POST /conversations/` is published with a trailing slash; accept it with and without.
    const urls = url.length > 1 && url.endsWith('/') ? [url, url.slice(0, -1)] : [url];
    for (const path of urls) app.route({ method: op.method, url: path, onRequest: gate(op), handler: handle(op) });
  }
}
