/**
 * The admin pages: connections, workflows, runs and dead letters, deliveries, rate budget, audit
 * log, users (users-page.ts). Admin role only (requirePageRole: signed out → login, other roles →
 * 403 page). Each page calls the same services as the admin API (src/console/admin/), not the API over HTTP; changes
 * (workflow switch, replay, reprocess) are forms console.js sends to the API with the CSRF header.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { notConfiguredWorkflows, plannedFor } from '../../features/running-features.js';
import { INBOX_STATUSES, type InboxStatus } from '../../store/schema.js';
import { type AuditQuery, listAudit } from '../admin/audit-log.js';
import { listChanges } from '../admin/change-log.js';
import { listConnectionStatus } from '../admin/connection-status.js';
import { listDeadLetters } from '../admin/dead-letters.js';
import { getDeliveryView, listDeliveryPage, skippedDeliveryCount } from '../admin/deliveries.js';
import { DEFAULT_RATE_WINDOW_MINUTES, readRateBudget } from '../admin/rate-budget.js';
import { layoutRateChart } from '../admin/rate-chart.js';
import { listRuns, RUN_STATUSES, type RunStatus } from '../admin/run-history.js';
import { registerUsersPage } from '../admin/users-page.js';
import { listWorkflowStatus, loadedWorkflowNames } from '../admin/workflow-status.js';
import type { Caller } from '../auth/resolve-caller.js';
import type { ConsoleDeps } from '../console-deps.js';
import { sendErrorPage } from './error-page.js';
import { requirePageRole } from './page-auth.js';
import { sendPage } from './render-page.js';

const PAGE_SIZE = 50;
/** The windows the rate page offers: an hour, three hours, a day (the API's maximum). */
const RATE_WINDOWS = [60, 180, 1440] as const;

type Query = Record<string, string | undefined>;

/** How many of the admins' latest changes the audit page lists (all of them: GET /api/admin/changes). */
const RECENT_CHANGES = 20;

export function registerAdminPages(app: FastifyInstance, deps: ConsoleDeps): void {
  const adminOnly = { preHandler: requirePageRole('admin') };

  app.get('/console/admin/connections', adminOnly, async (request, reply) => {
    const connections = await listConnectionStatus({
      repository: deps.repository,
      ...(await plannedFor(deps.config)),
      refreshMarginMs: deps.config.refresh.marginSeconds * 1000,
      now: deps.now(),
    });
    return sendPage(reply, 'admin-connections', callerOf(request), {
      title: 'Connections',
      nav: 'admin-connections',
      connections,
      features: deps.config.features.join(', '),
    });
  });

  app.get('/console/admin/workflows', adminOnly, async (request, reply) => {
    const workflows = await listWorkflowStatus(deps.db, await loadedWorkflowNames(deps.workflows), deps.now());
    return sendPage(reply, 'admin-workflows', callerOf(request), {
      title: 'Workflows',
      nav: 'admin-workflows',
      workflows,
      notConfigured: notConfiguredWorkflows(deps.config),
      skippedDeliveries: await skippedDeliveryCount(deps.db),
    });
  });

  app.get('/console/admin/runs', adminOnly, async (request, reply) => {
    const query = request.query as Query;
    const status = RUN_STATUSES.find((s) => s === query.status) as RunStatus | undefined;
    const workflows = await loadedWorkflowNames(deps.workflows);
    // A name no longer loaded still filters: its old runs stay listed until retention removes them.
    const workflow = query.workflow?.trim() || undefined;
    const runs = await listRuns(deps.db, { status, workflow, limit: PAGE_SIZE, cursor: query.cursor || null });
    const deadLetters = await listDeadLetters(deps.queue);
    return sendPage(reply, 'admin-runs', callerOf(request), {
      title: 'Runs & dead letters',
      nav: 'admin-runs',
      statuses: RUN_STATUSES,
      status: status ?? '',
      workflows: workflow === undefined || workflows.includes(workflow) ? workflows : [...workflows, workflow],
      workflow: workflow ?? '',
      runs: runs.items,
      nextPage: runs.nextCursor ? nextPageUrl('/console/admin/runs', { status, workflow }, runs.nextCursor) : null,
      dead: deadLetters.jobs.map((job) => ({ ...job, payloadText: JSON.stringify(job.payload) })),
      counts: deadLetters.counts,
    });
  });

  app.get('/console/admin/deliveries', adminOnly, async (request, reply) => {
    const query = request.query as Query;
    const status = INBOX_STATUSES.find((s) => s === query.status) as InboxStatus | undefined;
    try {
      const page = await listDeliveryPage(
        deps.db,
        { status, limit: PAGE_SIZE, cursor: query.cursor || null },
        deps.now(),
      );
      return await sendPage(reply, 'admin-deliveries', callerOf(request), {
        title: 'Deliveries',
        nav: 'admin-deliveries',
        statuses: INBOX_STATUSES,
        status: status ?? '',
        deliveries: page.items.map((d) => ({ ...d, receivedMs: Date.parse(d.receivedAt) })),
        nextPage: page.nextCursor ? nextPageUrl('/console/admin/deliveries', { status }, page.nextCursor) : null,
        skippedDeliveries: await skippedDeliveryCount(deps.db),
      });
    } catch (error) {
      return sendErrorPage(request, reply, callerOf(request), error);
    }
  });

  app.get('/console/admin/deliveries/:id', adminOnly, async (request, reply) => {
    try {
      const delivery = await getDeliveryView(deps.db, (request.params as { id: string }).id);
      return await sendPage(reply, 'admin-delivery', callerOf(request), {
        title: 'Delivery',
        nav: 'admin-deliveries',
        delivery: {
          ...delivery,
          receivedMs: Date.parse(delivery.receivedAt),
          processedMs: delivery.processedAt === null ? null : Date.parse(delivery.processedAt),
          headerList: Object.entries(delivery.headers).map(([name, value]) => ({ name, value })),
          mappedText: delivery.mapped === null ? null : JSON.stringify(delivery.mapped, null, 2),
        },
      });
    } catch (error) {
      return sendErrorPage(request, reply, callerOf(request), error);
    }
  });

  app.get('/console/admin/rate', adminOnly, async (request, reply) => {
    const query = request.query as Query;
    const minutes = RATE_WINDOWS.find((m) => String(m) === query.minutes) ?? DEFAULT_RATE_WINDOW_MINUTES;
    const budget = await readRateBudget(deps.db, { now: deps.now(), minutes });
    const locations = budget.locations.map((location) => ({
      ...location,
      chart: layoutRateChart(location),
      busyMinutes: location.perMinute.filter((m) => m.calls > 0),
    }));
    return sendPage(reply, 'admin-rate', callerOf(request), {
      title: 'Rate budget',
      nav: 'admin-rate',
      windows: RATE_WINDOWS,
      minutes,
      windowStart: budget.windowStart,
      windowEnd: budget.windowEnd,
      locations,
    });
  });

  app.get('/console/admin/audit', adminOnly, async (request, reply) => {
    const query = request.query as Query;
    const filters = {
      actor: query.actor?.trim() || undefined,
      operation: query.operation?.trim() || undefined,
      // The API's pattern; anything else is ignored on the page rather than answered with an error.
      status: /^([0-9]{3}|ok|failed)$/.test(query.status ?? '') ? query.status : undefined,
    } satisfies Partial<AuditQuery>;
    const page = await listAudit(deps.db, { ...filters, limit: PAGE_SIZE, cursor: query.cursor || null });
    // Admins' own changes (workflows, switches, the mapping): the latest, above the call log.
    const changes = await listChanges(deps.db, { limit: RECENT_CHANGES });
    return sendPage(reply, 'admin-audit', callerOf(request), {
      changes: changes.items,
      title: 'Audit log',
      nav: 'admin-audit',
      filters: { actor: filters.actor ?? '', operation: filters.operation ?? '', status: filters.status ?? '' },
      entries: page.items,
      nextPage: page.nextCursor ? nextPageUrl('/console/admin/audit', filters, page.nextCursor) : null,
    });
  });

  registerUsersPage(app, deps);
}

function callerOf(request: FastifyRequest): Caller {
  if (request.caller === null) throw new Error('requirePageRole let an unknown caller through');
  return request.caller;
}

/** The same filters plus the cursor: the "next page" link of a keyset-paged list. */
function nextPageUrl(path: string, filters: Record<string, string | undefined>, cursor: string): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value) params.set(key, value);
  params.set('cursor', cursor);
  return `${path}?${params.toString()}`;
}
