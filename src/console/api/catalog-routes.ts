/**
 * GET /api/catalog, admin only: what the workflow studio builds with (src/features/catalog.ts). Every
 * trigger with its fields, scopes and sample events; every action with its title, scopes, safety, inputs
 * and the JSON Schema of its `with`. The catalog is the same for the whole process, so it is built once,
 * on the first request.
 */
import type { FastifyInstance } from 'fastify';
import { buildCatalog, type Catalog } from '../../features/catalog.js';
import { apiRoute } from './api-route.js';

const stringList = { type: 'array', items: { type: 'string' } } as const;

// `data` and `inputSchema` are open objects: the response serializer drops any key a schema does not
// declare, and neither has a fixed set of keys.
const sampleSchema = {
  type: 'object',
  required: ['name', 'description', 'data'],
  properties: {
    name: { type: 'string', description: 'Unique within its trigger, e.g. attendee-email-only.' },
    description: { type: 'string' },
    data: {
      type: 'object',
      additionalProperties: true,
      description: 'What a run’s template scope gets from the event (attendee, event, session, message, …).',
    },
  },
} as const;

const triggerSchema = {
  type: 'object',
  required: ['name', 'description', 'source', 'fields', 'scopes', 'lane', 'samples'],
  properties: {
    name: { type: 'string', description: 'e.g. accelevents.registration' },
    description: { type: 'string' },
    source: { type: 'string', enum: ['accelevents webhook', 'highlevel webhook', 'poller'] },
    fields: { ...stringList, description: 'Template variables the event fills (besides location, steps and run).' },
    scopes: { ...stringList, description: 'HighLevel scopes the trigger needs, with the job that delivers it.' },
    lane: { type: 'string', description: 'The queue lane its runs wait in.' },
    samples: {
      type: 'array',
      items: sampleSchema,
      description: 'Sample events; the first is the one the built-in workflows are checked against.',
    },
  },
} as const;

const inputSchema = {
  type: 'object',
  required: ['name', 'required', 'place', 'defaulted'],
  properties: {
    name: { type: 'string' },
    required: { type: 'boolean' },
    place: { type: 'string', enum: ['path', 'query', 'body', 'action'] },
    defaulted: { type: 'boolean', description: 'The run fills it when the step leaves it out.' },
  },
} as const;

const actionSchema = {
  type: 'object',
  required: [
    'name',
    'title',
    'description',
    'scopes',
    'unsafe',
    'guarded',
    'operations',
    'inputs',
    'inputSchema',
    'outputs',
  ],
  properties: {
    name: { type: 'string', description: 'What a step names in `action`, e.g. highlevel.send-a-new-message.' },
    title: { type: 'string', description: 'A few words, e.g. "Send a new message".' },
    description: { type: 'string' },
    scopes: stringList,
    unsafe: { type: 'boolean', description: 'An effect HighLevel cannot deduplicate (a send).' },
    guarded: { type: 'boolean', description: 'Checked for an interrupted attempt’s effect before it runs again.' },
    operations: { ...stringList, description: 'HighLevel operations it may call.' },
    inputs: { type: 'array', nullable: true, items: inputSchema, description: 'Null when it takes any keys.' },
    inputSchema: {
      type: 'object',
      additionalProperties: true,
      description: 'JSON Schema (draft-07) of the step’s `with`.',
    },
    outputs: {
      ...stringList,
      description: 'Top-level keys of what the step returns, read by later steps as steps.<id>.<key>.',
    },
  },
} as const;

export const catalogResponseSchema = {
  type: 'object',
  required: ['triggers', 'actions'],
  properties: {
    triggers: { type: 'array', items: triggerSchema },
    actions: { type: 'array', items: actionSchema },
  },
} as const;

export function registerCatalogRoutes(app: FastifyInstance): void {
  let catalog: Catalog | undefined;
  apiRoute(app, {
    method: 'GET',
    url: '/api/catalog',
    roles: ['admin'],
    tag: 'Workflows',
    summary:
      'Every workflow trigger (fields, scopes, sample events) and action (title, scopes, inputs and their JSON Schema), for building workflows',
    schema: { response: { 200: catalogResponseSchema } },
    handler: async () => {
      catalog ??= buildCatalog();
      return catalog;
    },
  });
}
