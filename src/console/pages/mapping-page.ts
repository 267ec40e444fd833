/**
 * GET /console/admin/mapping (admin only): map an Accelevents payload without code. The page lists
 * recent Accelevents deliveries (ignored ones with their reason) and the config file's mapping, the
 * base every saved change sits on. Picking a delivery, assigning a value's path to a field, previewing,
 * saving and reprocessing run in assets/mapping.js against the mapping API (../api/mapping-routes.ts),
 * since the Content-Security-Policy allows no inline script.
 */
import type { FastifyInstance } from 'fastify';
import { loadEffectiveMapping } from '../../intake/effective-mapping.js';
import { listDeliveries } from '../../intake/list-deliveries.js';
import { MAPPED_FIELDS } from '../../intake/webhook-vocabulary.js';
import type { ConsoleDeps } from '../console-deps.js';
import { sendErrorPage } from './error-page.js';
import { requirePageRole } from './page-auth.js';
import { sendPage } from './render-page.js';

const PAGE_SIZE = 50;
/** Candidates shown before "and N more": the default lists run to twenty paths and more. */
const SHOWN_PATHS = 4;

export function registerMappingPage(app: FastifyInstance, deps: ConsoleDeps): void {
  app.get('/console/admin/mapping', { preHandler: requirePageRole('admin') }, async (request, reply) => {
    const caller = request.caller;
    if (caller === null) throw new Error('requirePageRole let an unknown caller through');
    const onlyIgnored = (request.query as { status?: string }).status === 'ignored';
    try {
      const [page, effective] = await Promise.all([
        listDeliveries(deps.db, {
          sources: ['accelevents', 'reconciliation'],
          limit: PAGE_SIZE,
          ...(onlyIgnored ? { status: 'ignored' as const } : {}),
        }),
        loadEffectiveMapping(deps.db, deps.config.accelevents.webhook),
      ]);
      const { base } = effective;
      return await sendPage(reply, 'admin-mapping', caller, {
        title: 'Mapping',
        nav: 'admin-mapping',
        onlyIgnored,
        deliveries: page.items.map((d) => ({ ...d, receivedMs: Date.parse(d.receivedAt) })),
        problem: effective.problem,
        baseFields: MAPPED_FIELDS.map((field) => {
          const paths = base.fields[field] ?? [];
          return { field, shown: paths.slice(0, SHOWN_PATHS), more: paths.slice(SHOWN_PATHS) };
        }),
        baseTopicPaths: base.topic.paths,
        baseAliases: Object.entries(base.topic.aliases).map(([raw, topic]) => ({ raw, topic })),
        basePeopleLists: base.people.lists,
      });
    } catch (error) {
      return sendErrorPage(request, reply, caller, error);
    }
  });
}
