/**
 * Mounts every route HighLevel's workflow builder calls, on the public server, each behind the
 * marketplace guard (marketplace-guard.ts): the trigger subscription URL here, and the custom action,
 * options and fields URLs (src/marketplace/actions/). With the `marketplace` feature off the routes
 * still exist and answer 404 `marketplace_disabled`, so a misconfigured app gets a reason, not silence.
 */
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { ConnectionRepository } from '../credentials/types.js';
import type { Logger } from '../lib/create-logger.js';
import type { Database } from '../store/schema.js';
import type { MarketplaceActionDeps } from './actions/action-deps.js';
import { registerMarketplaceActionRoutes } from './actions/register-action-routes.js';
import { MarketplaceError } from './marketplace-error.js';
import { marketplaceGuard } from './marketplace-guard.js';
import { createMarketplaceSecretCheck } from './marketplace-secret.js';
import { registerSubscriptionRoute } from './subscription-route.js';

export interface MarketplaceRouteDeps {
  db: Kysely<Database>;
  repository: Pick<ConnectionRepository, 'findByAccountKey'>;
  /** Config `features` includes `marketplace`. */
  enabled: boolean;
  logger: Logger;
  now?: () => number;
  /** Sandbox mode: the HighLevel sandbox's location counts as installed. */
  sandboxLocationId?: string | null;
  /** Default: createMarketplaceSecretCheck over `db`. */
  checkSecret?: (candidate: unknown) => Promise<boolean>;
  /** What the custom action, options and fields routes use; without it they are not mounted. */
  actions?: MarketplaceActionDeps;
}

export function registerMarketplaceRoutes(app: FastifyInstance, deps: MarketplaceRouteDeps): void {
  for (const name of ['db', 'repository', 'logger'] as const) {
    if (!deps?.[name]) {
      throw new MarketplaceError('missing_dependency', `registerMarketplaceRoutes: deps.${name} is required`);
    }
  }
  const logger = deps.logger.child({ name: 'marketplace' });
  const guard = marketplaceGuard({
    enabled: deps.enabled,
    checkSecret: deps.checkSecret ?? createMarketplaceSecretCheck(deps.db, deps.now ? { now: deps.now } : {}),
    repository: deps.repository,
    sandboxLocationId: deps.sandboxLocationId ?? null,
  });
  registerSubscriptionRoute(app, guard, { db: deps.db, logger, ...(deps.now ? { now: deps.now } : {}) });
  if (deps.actions) registerMarketplaceActionRoutes(app, deps.actions, { preHandler: guard });
}
