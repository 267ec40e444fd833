/**
 * The console API's admin routes, admin role only: connections and their scopes, workflow switches
 * and runs, dead letters and replay, stored webhook deliveries and reprocessing, the rate budget per
 * location, the audit log of HighLevel calls, and console users (users-routes.ts). The work is in
 * src/console/admin/ (the admin pages call the same functions).
 */

import type { FastifyInstance } from 'fastify';
import { plannedFor } from '../../features/running-features.js';
import { listAudit } from '../admin/audit-log.js';
import { recordChange } from '../admin/change-log.js';
import { listConnectionStatus } from '../admin/connection-status.js';
import { listDeadLetters, replayDeadLetter } from '../admin/dead-letters.js';
import {
  type DeliveryQuery,
  getDeliveryView,
  listDeliveryPage,
  type ReprocessRequest,
  reprocessFromConsole,
  skippedDeliveryCount,
} from '../admin/deliveries.js';
import {
  deliveryDetailSchema,
  deliveryListQuerySchema,
  deliveryListSchema,
  deliveryParamsSchema,
  reprocessBodySchema,
  reprocessResultSchema,
} from '../admin/deliveries-schemas.js';
import { registerMarketplaceAdminRoutes } from '../admin/marketplace-routes.js';
import { DEFAULT_RATE_WINDOW_MINUTES, MAX_RATE_WINDOW_MINUTES, readRateBudget } from '../admin/rate-budget.js';
import { getRun, listRuns, RUN_STATUSES, type RunStatus } from '../admin/run-history.js';
import { retryFailedRuns, retryRun } from '../admin/run-retry.js';
import { registerUserAdminRoutes } from '../admin/users-routes.js';
import { listWorkflowStatus, loadedWorkflowNames, switchWorkflow } from '../admin/workflow-status.js';
import { actorOf, type ConsoleDeps } from '../console-deps.js';
import { apiRoute } from './api-route.js';

const ADMIN = ['admin'] as const;
const TAG = 'admin';
const DEFAULT_PAGE = 50;
const MAX_PAGE = 200;

const pageQuery = {
  limit: { type: 'integer', minimum: 1, maximum: MAX_PAGE, default: DEFAULT_PAGE },
  cursor: { type: 'string', minLength: 1, description: 'nextCursor from the previous page' },
} as const;

export function registerAdminRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  apiRoute(app, {
    method: 'GET',
    url: '/api/admin/connections',
    roles: ADMIN,
    tag: TAG,
    summary: 'Connected accounts: status, granted vs needed scopes, expiry, how to reconnect (never tokens)',
    handler: async () => ({
      connections: await listConnectionStatus({
        repository: deps.repository,
        ...(await plannedFor(deps.config)),
        refreshMarginMs: deps.config.refresh.marginSeconds * 1000,
        now: deps.now(),
      }),
    }),
  });

  apiRoute(app, {
    method: 'GET',
    url: '/api/admin/workflows',
    roles: ADMIN,
    tag: TAG,
    summary:
      'Loaded workflows: whether each is switched on, lastRunAt (when its newest run started), failures24h (its runs started in the last 24 hours that failed) and its last 20 runs',
    handler: async () => ({
      workflows: await listWorkflowStatus(deps.db, await loadedWorkflowNames(deps.workflows), deps.now()),
    }),
  });

  apiRoute(app, {
    method: 'PUT',
    url: '/api/admin/workflows/:name',
    roles: ADMIN,
    tag: TAG,
    summary:
      'Switch a workflow on or off; a switched-off workflow starts no new runs. skippedDeliveries: deliveries that arrived while a workflow was off (POST /api/admin/deliveries/reprocess with status skipped runs them)',
    schema: {
      params: { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1 } } },
      body: {
        type: 'object',
        required: ['enabled'],
        additionalProperties: false,
        properties: { enabled: { type: 'boolean' } },
      },
    },
    handler: async (request, _reply, caller) => {
      const { name } = request.params as { name: string };
      const { enabled } = request.body as { enabled: boolean };
      const switched = await switchWorkflow(deps.db, await loadedWorkflowNames(deps.workflows), {
        name,
        enabled,
        now: deps.now(),
      });
      const action = enabled ? 'workflow.switched_on' : 'workflow.switched_off';
      await recordChange(deps.db, { at: deps.now(), actor: caller.email, action, target: name });
      return { ...switched, skippedDeliveries: await skippedDeliveryCount(deps.db) };
    },
  });

  apiRoute(app, {
    method: 'GET',
    url: '/api/admin/runs',
    roles: ADMIN,
    tag: TAG,
    summary: 'Workflow runs, newest first, keyset paged',
    schema: {
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          status: { type: 'string', enum: [...RUN_STATUSES] },
          workflow: { type: 'string', minLength: 1 },
          ...pageQuery,
        },
      },
    },
    handler: async (request) => {
      const query = request.query as { status?: RunStatus; workflow?: string; limit: number; cursor?: string };
      return listRuns(deps.db, query);
    },
  });

  apiRoute(app, {
    method: 'GET',
    url: '/api/admin/runs/:runId',
    roles: ADMIN,
    tag: TAG,
    summary: 'One workflow run with its input and journaled steps',
    schema: {
      params: { type: 'object', required: ['runId'], properties: { runId: { type: 'string', minLength: 1 } } },
    },
    handler: async (request) => getRun(deps.db, (request.params as { runId: string }).runId),
  });

  apiRoute(app, {
    method: 'POST',
    url: '/api/admin/runs/:runId/retry',
    roles: ADMIN,
    tag: TAG,
    summary:
      'Run a failed run again from the start on its workflow’s current version; messages it already sent are not sent again. 202 with the job id (queued: false when its retry was queued already); 409 when the run has not failed or the workflow is switched off; 404 when the run or its workflow is gone',
    schema: {
      params: { type: 'object', required: ['runId'], properties: { runId: { type: 'string', minLength: 1 } } },
      response: {
        202: {
          type: 'object',
          required: ['runId', 'jobId', 'queued'],
          properties: { runId: { type: 'string' }, jobId: { type: 'string' }, queued: { type: 'boolean' } },
        },
      },
    },
    handler: async (request, reply) => {
      const queued = await retryRun(deps, (request.params as { runId: string }).runId);
      reply.code(202);
      return queued;
    },
  });

  apiRoute(app, {
    method: 'POST',
    url: '/api/admin/workflows/:name/runs/retry-failed',
    roles: ADMIN,
    tag: TAG,
    summary:
      'Retry every failed run of the workflow (as POST /api/admin/runs/{runId}/retry does one): queued counts the retries queued now, alreadyQueued the runs whose retry was queued before',
    schema: {
      params: { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1 } } },
      response: {
        202: {
          type: 'object',
          required: ['queued', 'alreadyQueued'],
          properties: { queued: { type: 'integer' }, alreadyQueued: { type: 'integer' } },
        },
      },
    },
    handler: async (request, reply) => {
      const result = await retryFailedRuns(deps, (request.params as { name: string }).name);
      reply.code(202);
      return result;
    },
  });

  apiRoute(app, {
    method: 'GET',
    url: '/api/admin/dead-letters',
    roles: ADMIN,
    tag: TAG,
    summary: 'Dead-lettered jobs (newest first, at most 100) and job counts by status',
    handler: async () => listDeadLetters(deps.queue),
  });

  apiRoute(app, {
    method: 'POST',
    url: '/api/admin/dead-letters/:jobId/replay',
    roles: ADMIN,
    tag: TAG,
    summary: 'Move a dead job back to pending with its attempts reset; 404 when no such dead job',
    schema: {
      params: { type: 'object', required: ['jobId'], properties: { jobId: { type: 'string', minLength: 1 } } },
    },
    handler: async (request) => replayDeadLetter(deps.queue, (request.params as { jobId: string }).jobId),
  });

  apiRoute(app, {
    method: 'POST',
    url: '/api/admin/dead-letters/replay-all',
    roles: ADMIN,
    tag: TAG,
    summary: 'Move every dead job back to pending with its attempts reset',
    handler: async () => replayDeadLetter(deps.queue),
  });

  apiRoute(app, {
    method: 'GET',
    url: '/api/admin/deliveries',
    roles: ADMIN,
    tag: TAG,
    summary: 'Stored webhook deliveries, newest first, keyset paged, with why each started no run',
    schema: { querystring: deliveryListQuerySchema, response: { 200: deliveryListSchema } },
    handler: async (request) => listDeliveryPage(deps.db, request.query as DeliveryQuery, deps.now()),
  });

  apiRoute(app, {
    method: 'GET',
    url: '/api/admin/deliveries/:id',
    roles: ADMIN,
    tag: TAG,
    summary: 'One stored delivery: status, reason or error, headers, mapped fields and the raw body',
    schema: { params: deliveryParamsSchema, response: { 200: deliveryDetailSchema } },
    handler: async (request) => getDeliveryView(deps.db, (request.params as { id: string }).id),
  });

  apiRoute(app, {
    method: 'POST',
    url: '/api/admin/deliveries/reprocess',
    roles: ADMIN,
    tag: TAG,
    summary:
      'Map deliveries again with the current mapping and queue them: { ids } (404 when one is unknown) or { status } (ignored, skipped or failed)',
    schema: { body: reprocessBodySchema, response: { 200: reprocessResultSchema } },
    handler: async (request, _reply, caller) =>
      reprocessFromConsole(
        { ...deps, config: deps.config.accelevents.webhook },
        request.body as ReprocessRequest,
        actorOf(caller),
      ),
  });

  apiRoute(app, {
    method: 'GET',
    url: '/api/admin/rate-budget',
    roles: ADMIN,
    tag: TAG,
    summary: 'HighLevel calls per minute per location (with 429s and errors) against the ceiling, and daily use',
    schema: {
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          locationId: { type: 'string', minLength: 1 },
          minutes: {
            type: 'integer',
            minimum: 1,
            maximum: MAX_RATE_WINDOW_MINUTES,
            default: DEFAULT_RATE_WINDOW_MINUTES,
          },
        },
      },
    },
    handler: async (request) => {
      const query = request.query as { locationId?: string; minutes: number };
      return readRateBudget(deps.db, { now: deps.now(), ...query });
    },
  });

  apiRoute(app, {
    method: 'GET',
    url: '/api/admin/audit',
    roles: ADMIN,
    tag: TAG,
    summary: 'The audit log of HighLevel calls, newest first, keyset paged',
    schema: {
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          actor: { type: 'string', minLength: 1, description: 'user:<id>, a workflow run id, cli, or a user email' },
          operation: { type: 'string', minLength: 1, description: 'HighLevel operationId, e.g. send-a-new-message' },
          status: { type: 'string', pattern: '^([0-9]{3}|ok|failed)$', description: 'HTTP status, ok or failed' },
          locationId: { type: 'string', minLength: 1 },
          ...pageQuery,
        },
      },
    },
    handler: async (request) => listAudit(deps.db, request.query as Parameters<typeof listAudit>[1]),
  });

  registerUserAdminRoutes(app, deps);
  registerMarketplaceAdminRoutes(app, deps);
}
