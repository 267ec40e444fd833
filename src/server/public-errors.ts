/**
 * The HTTP app's root error handler. Most of parley's routes answer unauthenticated callers (webhook
 * senders, Prometheus, browsers mid-install), so nothing internal may reach a body: an error Fastify
 * raised about the request itself (4xx: bad JSON, body too large) keeps its own answer; a database
 * that cannot be used is a 503 `{ error: 'unavailable' }`; anything else a generic 500. Details go to
 * the log. Parts of the app with their own error shape (the console) add a mapper instead of a second
 * handler, so there is one handler for the whole app.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isStoreUnavailable } from '../store/store-availability.js';

export interface ErrorAnswer {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** Answers the errors it knows (for its own paths), or null to leave them to the next mapper or the root. */
export type ErrorMapper = (error: unknown, request: FastifyRequest) => ErrorAnswer | null;

declare module 'fastify' {
  interface FastifyInstance {
    /** Present on apps made by createApp (src/server/create-app.ts). */
    addErrorMapper?: (mapper: ErrorMapper) => void;
  }
}

/** How long a webhook sender or scraper should wait before trying again when the database is down. */
const RETRY_AFTER_SECONDS = '5';

export const UNAVAILABLE: ErrorAnswer = {
  status: 503,
  body: { error: 'unavailable', message: 'parley cannot reach its database right now; retry later' },
  headers: { 'retry-after': RETRY_AFTER_SECONDS },
};

export const INTERNAL: ErrorAnswer = {
  status: 500,
  body: { error: 'internal', message: 'the request failed; the server log has details' },
};

/** A 4xx Fastify (or a plugin) set on an error about the request; null for everything else. */
export function clientErrorStatus(error: unknown): number | null {
  const status = (error as FastifyError | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : null;
}

/** The answer for an error nobody mapped: 503 when the database is unavailable, else 500. */
export function serverErrorAnswer(error: unknown): ErrorAnswer {
  return isStoreUnavailable(error) ? UNAVAILABLE : INTERNAL;
}

export function sendAnswer(reply: FastifyReply, answer: ErrorAnswer): FastifyReply {
  if (answer.headers) reply.headers(answer.headers);
  return reply.code(answer.status).send(answer.body);
}

export function installPublicErrorHandler(app: FastifyInstance): void {
  const mappers: ErrorMapper[] = [];
  app.decorate('addErrorMapper', (mapper: ErrorMapper) => {
    mappers.push(mapper);
  });
  app.setErrorHandler(async (error, request, reply) => {
    for (const mapper of mappers) {
      const answer = mapper(error, request);
      if (answer) return sendAnswer(reply, answer);
    }
    // Fastify's own answer for a bad request: its message describes the request, never the server.
    if (clientErrorStatus(error) !== null) return reply.send(error);
    request.log.error({ err: error, url: request.url.split('?')[0] }, 'request failed');
    return sendAnswer(reply, serverErrorAnswer(error));
  });
}
