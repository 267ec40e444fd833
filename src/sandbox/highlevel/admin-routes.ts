/**
 * /sandbox/* control routes for local use and tests: no auth, no faults, no rate limits. Each one
 * calls the same control the in-process object exposes, so HTTP and code share one set of checks;
 * a SandboxError becomes 400 BadRequestDTO naming the bad field.
 */
import type { FastifyInstance } from 'fastify';
import { badRequest } from './api-error-bodies.js';
import { sendError } from './api-routes.js';
import { SandboxError } from './sandbox-errors.js';

export interface AdminControls {
  info(): unknown;
  issueToken(options: any): unknown;
  setFaults(partial: any): unknown;
  setRateLimits(partial: any): unknown;
  addLocation(options: any): unknown;
  replyAsContact(input: any): unknown;
  webhookPublicKeys: { ed25519: string; rsa: string };
}

export function registerAdminRoutes(app: FastifyInstance, controls: AdminControls): void {
  const run = (action: (body: any) => unknown) => async (request: { body: unknown }, reply: any) => {
    const body = request.body ?? {};
    if (typeof body !== 'object' || Array.isArray(body))
      return sendError(reply, badRequest('body must be a JSON object'));
    try {
      return reply.send(action(body));
    } catch (error) {
      if (error instanceof SandboxError) return sendError(reply, badRequest(error.message));
      throw error;
    }
  };

  app.get('/sandbox/info', async () => controls.info());
  app.get('/sandbox/webhook-keys', async () => controls.webhookPublicKeys);
  app.post(
    '/sandbox/tokens',
    run((body) => controls.issueToken(body)),
  );
  app.post(
    '/sandbox/faults',
    run((body) => controls.setFaults(body)),
  );
  app.post(
    '/sandbox/rate-limits',
    run((body) => controls.setRateLimits(body)),
  );
  app.post(
    '/sandbox/locations',
    run((body) => controls.addLocation(body)),
  );
  // The contact of the conversation writes back; its InboundMessage webhook goes out like a real one.
  app.post('/sandbox/conversations/:conversationId/replies', async (request, reply) => {
    const { conversationId } = request.params as { conversationId: string };
    const body = request.body ?? {};
    if (typeof body !== 'object' || Array.isArray(body))
      return sendError(reply, badRequest('body must be a JSON object'));
    try {
      return reply.send(controls.replyAsContact({ ...body, conversationId }));
    } catch (error) {
      if (error instanceof SandboxError && error.code === 'unknown_conversation') {
        return sendError(reply, { status: 404, body: { statusCode: 404, message: error.message } });
      }
      if (error instanceof SandboxError) return sendError(reply, badRequest(error.message));
      throw error;
    }
  });
}
