/**
 * /sandbox/workflows/* and /sandbox/marketplace-app: the control routes of the sandbox's workflow
 * engine (workflow-engine.ts). No auth, no faults, like the other /sandbox/* routes. A SandboxError is
 * a 400 naming the field, or a 404 for an unknown workflow or location; an app that refuses a
 * subscription is a 502 carrying the app's status and body.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { badRequest } from './api-error-bodies.js';
import { sendError } from './api-routes.js';
import { SandboxError } from './sandbox-errors.js';
import type { EngineResult, WorkflowEngine } from './workflow-engine.js';
import type { ExecutionFaultControl } from './workflow-execute.js';

export interface WorkflowControls {
  engine: WorkflowEngine;
  faults: ExecutionFaultControl;
  marketplaceApp(): unknown;
  configureMarketplaceApp(partial: unknown): unknown;
}

function isObject(body: unknown): body is Record<string, unknown> {
  return typeof body === 'object' && body !== null && !Array.isArray(body);
}

function failed(reply: FastifyReply, error: unknown): FastifyReply {
  if (error instanceof SandboxError && (error.code === 'unknown_workflow' || error.code === 'unknown_location')) {
    return sendError(reply, { status: 404, body: { statusCode: 404, message: error.message } });
  }
  if (error instanceof SandboxError) return sendError(reply, badRequest(error.message));
  throw error;
}

function answer<T>(reply: FastifyReply, result: EngineResult<T>, status = 200): FastifyReply {
  if (!result.ok) return sendError(reply, { status: result.status, body: result.body });
  return reply.code(status).send(result.value);
}

export function registerWorkflowRoutes(app: FastifyInstance, controls: WorkflowControls): void {
  const { engine } = controls;
  const body = (raw: unknown) => {
    const value = raw ?? {};
    if (!isObject(value)) throw new SandboxError('invalid_option', 'body must be a JSON object');
    return value;
  };
  const params = (raw: unknown) => (raw as { workflowId: string }).workflowId;

  app.get('/sandbox/marketplace-app', async () => controls.marketplaceApp());
  app.post('/sandbox/marketplace-app', async (request, reply) => {
    try {
      return reply.send(controls.configureMarketplaceApp(body(request.body)));
    } catch (error) {
      return failed(reply, error);
    }
  });

  app.post('/sandbox/workflows', async (request, reply) => {
    try {
      const input = body(request.body) as { locationId: string; triggerKey: string };
      return answer(reply, await engine.create(input), 201);
    } catch (error) {
      return failed(reply, error);
    }
  });
  app.get('/sandbox/workflows', async () => ({ workflows: engine.list() }));
  app.get('/sandbox/workflows/:workflowId', async (request, reply) => {
    try {
      return reply.send({
        ...engine.get(params(request.params)),
        targetUrl: engine.targetUrl(engine.get(params(request.params))),
      });
    } catch (error) {
      return failed(reply, error);
    }
  });
  app.patch('/sandbox/workflows/:workflowId', async (request, reply) => {
    try {
      return answer(reply, await engine.update(params(request.params), body(request.body)));
    } catch (error) {
      return failed(reply, error);
    }
  });
  app.delete('/sandbox/workflows/:workflowId', async (request, reply) => {
    try {
      const { notify } = (request.query ?? {}) as { notify?: string };
      if (notify !== undefined && notify !== 'true' && notify !== 'false') {
        throw new SandboxError('invalid_option', `notify must be true or false, got ${JSON.stringify(notify)}`);
      }
      return answer(reply, await engine.remove(params(request.params), { notify: notify !== 'false' }));
    } catch (error) {
      return failed(reply, error);
    }
  });
  app.get('/sandbox/workflows/:workflowId/executions', async (request, reply) => {
    try {
      return reply.send({ executions: engine.executions(params(request.params)) });
    } catch (error) {
      return failed(reply, error);
    }
  });
  app.post('/sandbox/workflows/:workflowId/run-action', async (request, reply) => {
    try {
      return reply.send(await engine.runAction(params(request.params), body(request.body)));
    } catch (error) {
      return failed(reply, error);
    }
  });
  app.get('/sandbox/workflow-faults', async () => controls.faults.current());
  app.post('/sandbox/workflow-faults', async (request, reply) => {
    try {
      return reply.send(controls.faults.set(body(request.body)));
    } catch (error) {
      return failed(reply, error);
    }
  });
}
