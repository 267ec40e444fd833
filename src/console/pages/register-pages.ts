/**
 * The console's server-rendered pages under /console: assets, `/` → /console, sign-in,
 * conversation search, thread, call transcript (each in its own `*-page.ts`), the admin pages (one
 * run's page in run-page.ts), the workflow studio (studio-pages.ts), and the console's 404 page for
 * unknown /console URLs.
 */
import type { FastifyInstance } from 'fastify';
import type { ConsoleDeps } from '../console-deps.js';
import { registerAdminPages } from './admin-pages.js';
import { registerLoginPage } from './login-page.js';
import { registerMappingPage } from './mapping-page.js';
import { registerMarketplacePage } from './marketplace-page.js';
import { registerConsoleNotFound } from './not-found-page.js';
import { registerRunPage } from './run-page.js';
import { registerSearchPage } from './search-page.js';
import { registerAssetRoute } from './serve-assets.js';
import { registerStudioPages } from './studio-pages.js';
import { registerThreadPage } from './thread-page.js';
import { registerTranscriptPage } from './transcript-page.js';

export function registerConsolePages(app: FastifyInstance, deps: ConsoleDeps): void {
  registerAssetRoute(app);
  app.get('/', async (_request, reply) => reply.redirect('/console', 302));
  registerLoginPage(app, deps);
  registerSearchPage(app, deps);
  registerThreadPage(app, deps);
  registerTranscriptPage(app, deps);
  registerAdminPages(app, deps);
  registerMappingPage(app, deps);
  registerMarketplacePage(app, deps);
  registerRunPage(app, deps);
  registerStudioPages(app);
  registerConsoleNotFound(app, deps);
}
