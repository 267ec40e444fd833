/**
 * POST /api/workflows/:name/test, admin only: run a workflow once, as it runs now or as an unsaved
 * draft, from a trigger sample, a payload or a stored Accelevents delivery, against the HighLevel
 * sandbox (or, confirmed by name, the live account), and answer with each step's rendered input,
 * output or error (src/console/studio/test-run.ts). A step that fails answers 200: the test shows what
 * happened; only a bad request is 4xx.
 */
import type { FastifyInstance } from 'fastify';
import { createTemplateEngine } from '../../lib/template-engine.js';
import { TRIGGER_NAMES } from '../../workflows/triggers.js';
import type { ConsoleDeps } from '../console-deps.js';
import { runWorkflowTest, type TestRunRequest } from '../studio/test-run.js';
import { apiRoute } from './api-route.js';

const openObject = { type: 'object', additionalProperties: true } as const;

const bodySchema = {
  type: 'object',
  additionalProperties: false,
  description: 'Exactly one of sample, data or deliveryId says what the run starts from.',
  properties: {
    sample: {
      type: 'string',
      minLength: 1,
      description: 'The name of one of the trigger’s samples (GET /api/catalog), e.g. attendee-email-only.',
    },
    data: {
      ...openObject,
      description: `A trigger payload, the run’s data as its templates read it (attendee, event, message, …; triggers: ${TRIGGER_NAMES.join(', ')}).`,
    },
    deliveryId: {
      type: 'string',
      minLength: 1,
      description:
        'A stored Accelevents delivery (GET /api/admin/deliveries), mapped to run data as the pipeline does.',
    },
    definition: {
      ...openObject,
      description: 'An unsaved draft to run instead of the workflow as it runs now; its name must be :name.',
    },
    live: {
      type: 'boolean',
      description: 'Run against the connected HighLevel account instead of the sandbox. Needs confirm.',
    },
    confirm: { type: 'string', description: 'With live: true, the workflow’s name, typed again.' },
  },
} as const;

const errorSchema = {
  type: 'object',
  required: ['code', 'message'],
  properties: { code: { type: 'string' }, message: { type: 'string' } },
} as const;

const stepSchema = {
  type: 'object',
  required: ['id', 'action', 'status', 'input', 'durationMs'],
  properties: {
    id: { type: 'string' },
    action: { type: 'string' },
    status: { type: 'string', enum: ['completed', 'skipped', 'failed'] },
    // Untyped: any JSON, serialized as it is.
    input: { description: 'The rendered `with` as sent; null when skipped or when rendering failed.' },
    output: { description: 'What the action returned (completed steps).' },
    error: errorSchema,
    durationMs: { type: 'number' },
  },
} as const;

export const testRunResponseSchema = {
  type: 'object',
  required: ['target', 'workflow', 'status', 'conditions', 'steps', 'data'],
  properties: {
    target: { type: 'string', enum: ['sandbox', 'live'] },
    workflow: { type: 'string' },
    status: {
      type: 'string',
      enum: ['completed', 'skipped', 'failed'],
      description: 'skipped: a condition was false and no step ran.',
    },
    conditions: {
      type: 'array',
      items: {
        type: 'object',
        required: ['text', 'result'],
        properties: {
          text: { type: 'string' },
          result: { type: 'boolean', nullable: true, description: 'Null when it could not render.' },
        },
      },
    },
    steps: {
      type: 'array',
      items: stepSchema,
      description: 'The steps that ran, in order, up to and including one that failed.',
    },
    data: { ...openObject, description: 'The run’s data (what the templates read from the event).' },
    error: {
      ...errorSchema,
      properties: { ...errorSchema.properties, step: { type: 'string' } },
      description: 'Why the run failed: the failed step’s own error.',
    },
  },
} as const;

export function registerWorkflowTestRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  const engine = createTemplateEngine();
  apiRoute(app, {
    method: 'POST',
    url: '/api/workflows/:name/test',
    roles: ['admin'],
    tag: 'Workflows',
    summary:
      'Test a workflow (as it runs now, or an unsaved draft) from a trigger sample, a payload or a stored delivery, in the HighLevel sandbox unless live is confirmed; nothing reaches the real run history. Answers each condition and each step’s rendered input, output or error',
    schema: {
      params: {
        type: 'object',
        required: ['name'],
        properties: { name: { type: 'string', minLength: 1 } },
      },
      body: bodySchema,
      response: { 200: testRunResponseSchema },
    },
    handler: async (request, _reply, caller) => {
      const { name } = request.params as { name: string };
      return runWorkflowTest({ ...deps, engine }, name, (request.body ?? {}) as TestRunRequest, caller);
    },
  });
}
