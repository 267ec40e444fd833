/**
 * Unknown URLs under /console answer the console's own 404 page (HTML, with the navigation when the
 * browser is signed in) instead of the JSON a script gets. Fastify lets a prefixed plugin have its own
 * not-found handler (https://fastify.dev/docs/latest/Reference/Server/#setnotfoundhandler), so the
 * rest of the app keeps its answer.
 */
import type { FastifyInstance } from 'fastify';
import { resolveCaller } from '../auth/resolve-caller.js';
import type { ConsoleDeps } from '../console-deps.js';
import { sendPage } from './render-page.js';

export function registerConsoleNotFound(app: FastifyInstance, deps: Pick<ConsoleDeps, 'db' | 'now'>): void {
  app.register(
    async (scope) => {
      scope.setNotFoundHandler(async (request, reply) => {
        // Cookie only, as every page: the layout then shows the caller's navigation.
        const resolution = await resolveCaller(deps.db, { cookie: request.headers.cookie }, deps.now());
        return sendPage(
          reply,
          'error',
          resolution.caller,
          {
            title: 'Page not found',
            message:
              'There is no console page at this address. Check the address, or go back to the conversations and find it from there.',
          },
          404,
        );
      });
    },
    { prefix: '/console' },
  );
}
