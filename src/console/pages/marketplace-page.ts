/**
 * GET /console/admin/marketplace (admin only): the HighLevel workflows using parley's marketplace
 * triggers, grouped by location, those paused because their target URL is gone (with why), and the
 * recent firings with their result, filtered by location,
 * status or subscription (triggerId) and paged. It reads the same functions as the admin API (../admin/marketplace-activity.ts).
 */
import type { FastifyInstance } from 'fastify';
import { TRIGGER_CATALOG } from '../../marketplace/trigger-catalog.js';
import { MARKETPLACE_FIRING_STATUSES, type MarketplaceFiringStatus } from '../../store/schema.js';
import {
  groupByLocation,
  listMarketplaceFirings,
  listMarketplaceSubscriptions,
  type SubscriptionView,
} from '../admin/marketplace-activity.js';
import type { ConsoleDeps } from '../console-deps.js';
import { pageCaller, sendErrorPage } from './error-page.js';
import { requirePageRole } from './page-auth.js';
import { sendPage } from './render-page.js';

const PAGE_SIZE = 50;
/** One page of subscriptions covers most deployments; the API pages through the rest. */
const SUBSCRIPTIONS_SHOWN = 200;
export const MARKETPLACE_FEATURE = 'marketplace';

type Query = Record<string, string | undefined>;

/** A key no longer in the catalog (a trigger since removed) is shown as is. */
const triggerNames = new Map(TRIGGER_CATALOG.map((trigger) => [trigger.key as string, trigger.name]));

export function registerMarketplacePage(app: FastifyInstance, deps: ConsoleDeps): void {
  app.get('/console/admin/marketplace', { preHandler: requirePageRole('admin') }, async (request, reply) => {
    const caller = pageCaller(request);
    const query = request.query as Query;
    const status = MARKETPLACE_FIRING_STATUSES.find((s) => s === query.status) as MarketplaceFiringStatus | undefined;
    const locationId = query.locationId?.trim() || undefined;
    const triggerId = query.triggerId?.trim() || undefined;
    try {
      const [subscriptions, paused, firings] = await Promise.all([
        listMarketplaceSubscriptions(deps.db, { status: 'active', locationId, limit: SUBSCRIPTIONS_SHOWN }),
        listMarketplaceSubscriptions(deps.db, { status: 'gone', locationId, limit: SUBSCRIPTIONS_SHOWN }),
        listMarketplaceFirings(deps.db, {
          status,
          locationId,
          triggerId,
          limit: PAGE_SIZE,
          cursor: query.cursor || null,
        }),
      ]);
      return await sendPage(reply, 'admin-marketplace', caller, {
        title: 'Marketplace',
        nav: 'admin-marketplace',
        featureOn: (deps.config.features as readonly string[]).includes(MARKETPLACE_FEATURE),
        locations: groupByLocation(subscriptions.items).map((group) => ({
          ...group,
          subscriptions: group.subscriptions.map(subscriptionRow),
        })),
        moreSubscriptions: subscriptions.nextCursor !== null,
        paused: paused.items.map(subscriptionRow),
        morePaused: paused.nextCursor !== null,
        statuses: MARKETPLACE_FIRING_STATUSES,
        status: status ?? '',
        locationId: locationId ?? '',
        triggerId: triggerId ?? '',
        firings: firings.items.map((f) => ({ ...f, triggerName: triggerNames.get(f.triggerKey) ?? f.triggerKey })),
        nextPage: firings.nextCursor ? nextPageUrl({ status, locationId, triggerId }, firings.nextCursor) : null,
      });
    } catch (error) {
      return sendErrorPage(request, reply, caller, error);
    }
  });
}

function subscriptionRow(s: SubscriptionView) {
  return {
    ...s,
    triggerName: triggerNames.get(s.triggerKey) ?? s.triggerKey,
    filtersText: JSON.stringify(s.filters),
    firingsUrl: `/console/admin/marketplace?${new URLSearchParams({ triggerId: s.triggerId }).toString()}`,
  };
}

function nextPageUrl(filters: Record<string, string | undefined>, cursor: string): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value) params.set(key, value);
  params.set('cursor', cursor);
  return `/console/admin/marketplace?${params.toString()}`;
}
