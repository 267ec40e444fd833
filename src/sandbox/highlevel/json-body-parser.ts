/**
 * JSON body parsing for the API routes. The official SDK sends `Content-Type: application/json` on every
 * request, DELETEs included, with no body; HighLevel's API (NestJS on Express body-parser) takes that as
 * no body, where Fastify's default parser answers "Body cannot be empty". An empty body therefore parses
 * to undefined; anything else goes through Fastify's own parser, so malformed JSON is still refused.
 */
import type { FastifyInstance } from 'fastify';

export function acceptEmptyJsonBodies(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.length === 0) return done(null, undefined);
    return parseJson(request, text, done);
  });
}
