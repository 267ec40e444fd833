/**
 * The workflow studio's API, admin only (every edit is an admin's and names them as its author):
 * list, read, create, edit, delete, versions with a diff, restore, and YAML export/import. The
 * builder pages use only these routes. A definition is the same as a workflow file's, as JSON
 * (`name`, `description`, `trigger`, `conditions`, `steps`, `templates`, …); its problems come back
 * as 400 `issues: [{ path, message }]`, the words `parley workflows validate` uses.
 */
import type { FastifyInstance } from 'fastify';
import type { ConsoleDeps } from '../console-deps.js';
import { createWorkflowStudio, type WorkflowStudio } from '../studio/workflow-studio.js';
import { apiRoute } from './api-route.js';

const ADMIN = ['admin'] as const;
const TAG = 'workflows';

const nameParams = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string', minLength: 1, maxLength: 200 } },
} as const;
const versionParams = {
  type: 'object',
  required: ['name', 'version'],
  properties: { ...nameParams.properties, version: { type: 'integer', minimum: 1 } },
} as const;
const definitionBody = {
  type: 'object',
  additionalProperties: true,
  description:
    'A workflow definition, as its YAML file would hold it: name, description, trigger, lane, conditions, steps, templates, options, question. See GET /api/catalog for triggers and actions.',
} as const;

/** Who a change is recorded under: the admin's email, which the versions list and the logs show. */
function authorOf(caller: { email: string }): string {
  return caller.email;
}

export function registerWorkflowRoutes(app: FastifyInstance, deps: ConsoleDeps, studio?: WorkflowStudio): void {
  const workflows =
    studio ??
    createWorkflowStudio({
      db: deps.db,
      workflows: deps.workflows,
      workflowStore: deps.workflowStore,
      live: deps.config.highlevel.target === 'live',
      now: deps.now,
      logger: deps.logger,
    });

  apiRoute(app, {
    method: 'GET',
    url: '/api/workflows',
    roles: ADMIN,
    tag: TAG,
    summary:
      'Every workflow this deployment runs (built-in, from files, or saved in the console), and the built-ins not running that a new one can start from',
    handler: async () => workflows.list(),
  });

  apiRoute(app, {
    method: 'POST',
    url: '/api/workflows',
    roles: ADMIN,
    tag: TAG,
    summary:
      'Create a workflow from a definition; answers 201 with version 1 and, on a first publish, how often its trigger fired in the last 24 h. Naming a built-in makes the copy that replaces it.',
    schema: { body: definitionBody },
    handler: async (request, reply, caller) => {
      const saved = await workflows.create(request.body, authorOf(caller));
      reply.code(201);
      return saved;
    },
  });

  apiRoute(app, {
    method: 'GET',
    url: '/api/workflows/:name',
    roles: ADMIN,
    tag: TAG,
    summary: 'One workflow with its definition as written (a built-in included)',
    schema: { params: nameParams },
    handler: async (request) => workflows.get((request.params as { name: string }).name),
  });

  apiRoute(app, {
    method: 'PUT',
    url: '/api/workflows/:name',
    roles: ADMIN,
    tag: TAG,
    summary:
      'Save a new version (answers its `version`); for a built-in, the first save makes the console copy that runs instead of it. A workflow from a file is read-only (409).',
    schema: { params: nameParams, body: definitionBody },
    handler: async (request, _reply, caller) =>
      workflows.update((request.params as { name: string }).name, request.body, authorOf(caller)),
  });

  apiRoute(app, {
    method: 'DELETE',
    url: '/api/workflows/:name',
    roles: ADMIN,
    tag: TAG,
    summary:
      'Delete a console workflow (its versions stay, and restoring one brings it back); built-ins are switched off instead',
    schema: { params: nameParams },
    handler: async (request, _reply, caller) =>
      workflows.remove((request.params as { name: string }).name, authorOf(caller)),
  });

  apiRoute(app, {
    method: 'GET',
    url: '/api/workflows/:name/versions',
    roles: ADMIN,
    tag: TAG,
    summary:
      'Every saved version, newest first: who saved it, when, and what happened (created, edited, restored from N, imported, deleted)',
    schema: { params: nameParams },
    handler: async (request) => ({ versions: await workflows.versions((request.params as { name: string }).name) }),
  });

  apiRoute(app, {
    method: 'GET',
    url: '/api/workflows/:name/versions/:version',
    roles: ADMIN,
    tag: TAG,
    summary: 'One version: its definition, its YAML, and a unified diff against the version before it',
    schema: { params: versionParams },
    handler: async (request) => {
      const { name, version } = request.params as { name: string; version: number };
      return workflows.version(name, version);
    },
  });

  apiRoute(app, {
    method: 'POST',
    url: '/api/workflows/:name/versions/:version/restore',
    roles: ADMIN,
    tag: TAG,
    summary: 'Save an old version as the newest one (answers the new `version`)',
    schema: { params: versionParams },
    handler: async (request, _reply, caller) => {
      const { name, version } = request.params as { name: string; version: number };
      return workflows.restore(name, version, authorOf(caller));
    },
  });

  apiRoute(app, {
    method: 'GET',
    url: '/api/workflows/:name/export',
    roles: ADMIN,
    tag: TAG,
    summary: 'The workflow as a YAML file, which `parley workflows validate` and an import accept',
    schema: { params: nameParams },
    handler: async (request, reply) => {
      const { name } = request.params as { name: string };
      const yaml = await workflows.exportYaml(name);
      return reply
        .type('application/yaml; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}.yaml"`)
        .send(yaml);
    },
  });

  apiRoute(app, {
    method: 'POST',
    url: '/api/workflows/import',
    roles: ADMIN,
    tag: TAG,
    summary:
      'Save the workflows of a YAML file (one workflow or a list) as new versions; problems come back with line and column',
    schema: {
      body: {
        type: 'object',
        required: ['yaml'],
        additionalProperties: false,
        properties: { yaml: { type: 'string', minLength: 1, maxLength: 1_000_000, description: 'The file’s text' } },
      },
    },
    handler: async (request, _reply, caller) => ({
      imported: await workflows.importYaml((request.body as { yaml: string }).yaml, authorOf(caller)),
    }),
  });
}
