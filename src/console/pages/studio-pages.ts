/**
 * The workflow studio's pages, admin only: the list (/console/studio) and the editor
 * (/console/studio/new, /console/studio/workflows/:name). They are shells: what they show and do is
 * in assets/studio-*.js, which call only the studio's API (GET /api/catalog, /api/workflows…, POST
 * /api/workflows/preview and /test, /api/admin/workflows, /api/admin/runs, /api/admin/connections),
 * since the Content-Security-Policy allows no inline script.
 */
import type { FastifyInstance } from 'fastify';
import { WORKFLOW_NAME_PATTERN } from '../../workflows/definition-schema.js';
import { pageCaller } from './error-page.js';
import { requirePageRole } from './page-auth.js';
import { sendPage } from './render-page.js';

export function registerStudioPages(app: FastifyInstance): void {
  const admin = { preHandler: requirePageRole('admin') };

  app.get('/console/studio', admin, async (request, reply) =>
    sendPage(reply, 'studio-list', pageCaller(request), { title: 'Studio', nav: 'studio' }),
  );

  app.get<{ Querystring: { from?: string } }>('/console/studio/new', admin, async (request, reply) => {
    // Only a workflow name can be a template to start from; anything else starts from scratch.
    const from = request.query.from ?? '';
    return sendPage(reply, 'studio-editor', pageCaller(request), {
      title: 'New workflow',
      nav: 'studio',
      name: '',
      from: WORKFLOW_NAME_PATTERN.test(from) ? from : '',
    });
  });

  app.get<{ Params: { name: string } }>('/console/studio/workflows/:name', admin, async (request, reply) =>
    sendPage(reply, 'studio-editor', pageCaller(request), {
      title: `Workflow ${request.params.name}`,
      nav: 'studio',
      name: request.params.name,
      from: '',
    }),
  );
}
