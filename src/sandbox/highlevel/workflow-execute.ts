/**
 * The sandbox's `targetUrl`: POST /workflows-marketplace/triggers/execute/:locationId/:triggerId, where
 * a Marketplace app fires its trigger (same path as HighLevel's). HighLevel does not document how this
 * call authenticates; community code sends `Authorization: Bearer <location token>` and refreshes on
 * 401 (https://github.com/christiansallen/ghl-app-template, src/services/ghl.js), so the sandbox
 * requires a valid token of that location holding `workflows.readonly`, the scope HighLevel requires of
 * apps with workflow modules (https://marketplace.gohighlevel.com/docs/marketplace-modules/WorkflowActionsAndTriggers).
 * A trigger whose workflow was deleted answers 404: HighLevel skips executions of removed triggers.
 *
 * The route sits with the API routes, so the fault injector's rates apply; the planned faults here
 * (POST /sandbox/workflow-faults) hit exactly the next N executions, for tests of the app's retries.
 */
import type { FastifyInstance } from 'fastify';
import { badRequest, type ErrorReply, forbidden, tooManyRequests, unauthorized } from './api-error-bodies.js';
import { sendError } from './api-routes.js';
import { redactHeaders } from './app-calls.js';
import { authenticate } from './authenticate.js';
import { SandboxError } from './sandbox-errors.js';
import { checkNumber } from './sandbox-options.js';
import type { TokenStore } from './token-store.js';
import { EXECUTE_PATH, type WorkflowEngine } from './workflow-engine.js';

export const WORKFLOWS_SCOPE = 'workflows.readonly';
const FAULT_STATUSES = [429, 500, 502, 503, 504];

export interface ExecutionFaults {
  /** The status the next `count` executions are answered with, before anything else is checked. */
  status: number;
  count: number;
}

export interface ExecutionFaultControl {
  current(): ExecutionFaults;
  set(input: unknown): ExecutionFaults;
  /** Takes one planned fault, if any is left. */
  take(): ErrorReply | null;
}

export function createExecutionFaults(): ExecutionFaultControl {
  let faults: ExecutionFaults = { status: 503, count: 0 };
  return {
    current: () => ({ ...faults }),
    set(input) {
      if (typeof input !== 'object' || input === null)
        throw new SandboxError('invalid_option', 'body must be an object');
      const { status, count } = input as Record<string, unknown>;
      if (!FAULT_STATUSES.includes(status as number)) {
        throw new SandboxError(
          'invalid_option',
          `status must be one of ${FAULT_STATUSES.join(', ')}, got ${JSON.stringify(status)}`,
        );
      }
      faults = { status: status as number, count: checkNumber('count', count, { min: 0, integer: true }) };
      return { ...faults };
    },
    take() {
      if (faults.count <= 0) return null;
      faults = { ...faults, count: faults.count - 1 };
      if (faults.status === 429) return tooManyRequests();
      return { status: faults.status, body: { statusCode: faults.status, message: 'Service Unavailable' } };
    },
  };
}

export interface ExecuteRouteDeps {
  engine: WorkflowEngine;
  tokens: TokenStore;
  faults: ExecutionFaultControl;
}

export function registerExecuteRoute(app: FastifyInstance, deps: ExecuteRouteDeps): void {
  app.post(`${EXECUTE_PATH}/:locationId/:triggerId`, async (request, reply) => {
    const { locationId, triggerId } = request.params as { locationId: string; triggerId: string };
    const fault = deps.faults.take();
    if (fault) return sendError(reply, fault);
    const auth = authenticate(request.headers.authorization, deps.tokens);
    if (!auth.ok) return sendError(reply, auth.reply);
    if (auth.principal.userType !== 'Location' || auth.principal.locationId !== locationId) {
      return sendError(reply, unauthorized(`Invalid token: the token is not a token of location ${locationId}`));
    }
    if (!auth.principal.scopes.includes(WORKFLOWS_SCOPE)) {
      return sendError(
        reply,
        forbidden(`The token is not authorized for this scope. Missing scope: ${WORKFLOWS_SCOPE}`),
      );
    }
    const workflow = deps.engine.byTrigger(locationId, triggerId);
    if (!workflow) {
      return sendError(reply, { status: 404, body: { statusCode: 404, message: `Trigger ${triggerId} not found` } });
    }
    if (typeof request.body !== 'object' || request.body === null || Array.isArray(request.body)) {
      return sendError(reply, badRequest('The trigger payload must be a JSON object'));
    }
    const execution = deps.engine.execute(workflow, request.body, redactHeaders(request.headers));
    return reply.send({ success: true, executionId: execution.executionId });
  });
}
