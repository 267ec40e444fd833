/**
 * The check in front of every route HighLevel's workflow builder calls (subscription, actions, options,
 * fields). In order:
 * 1. the `marketplace` feature is on, else 404 `marketplace_disabled`;
 * 2. the `x-parley-marketplace-secret` header is the app's secret (marketplace-secret.ts, constant
 *    time), else 401 `marketplace_secret_invalid`;
 * 3. the call's location (`extras.locationId` of the body; `locationId` of the query for a GET) has an
 *    active install: a HighLevel connection `location:<id>` that is not disabled (UNINSTALL disables
 *    it, src/intake/highlevel/install-events.ts), else 403 `marketplace_location_not_installed`.
 *    HighLevel's options GET (`fetchOptions`) is documented to carry only our static headers, no
 *    location, and its answer (events, ticket types) is not per location; so a GET without
 *    `locationId` passes on the secret alone. A GET that names a location is still checked.
 * Answers are `{ error: { code, message } }`. On success the location id is on `request.marketplaceLocationId`.
 */
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { ConnectionRepository } from '../credentials/types.js';
import { MarketplaceError } from './marketplace-error.js';
import { MARKETPLACE_SECRET_HEADER } from './marketplace-secret.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the marketplace guard: the installed location the call is for. */
    marketplaceLocationId?: string;
  }
}

export interface MarketplaceGuardDeps {
  /** Config `features` includes `marketplace`. */
  enabled: boolean;
  /** createMarketplaceSecretCheck (marketplace-secret.ts). */
  checkSecret: (candidate: unknown) => Promise<boolean>;
  repository: Pick<ConnectionRepository, 'findByAccountKey'>;
  /** Sandbox mode: the HighLevel sandbox's location counts as installed. */
  sandboxLocationId?: string | null;
}

function locationOf(request: FastifyRequest): unknown {
  const body = request.body as { extras?: { locationId?: unknown } } | null | undefined;
  const fromBody = typeof body === 'object' && body !== null ? body.extras?.locationId : undefined;
  if (fromBody !== undefined) return fromBody;
  return (request.query as { locationId?: unknown } | undefined)?.locationId;
}

export function sendMarketplaceError(reply: FastifyReply, error: MarketplaceError): FastifyReply {
  return reply.code(error.status).send({ error: { code: error.code, message: error.message } });
}

/** Checks whether a location has an active install; exported for the routes that act on one later. */
export async function isInstalled(deps: MarketplaceGuardDeps, locationId: string): Promise<boolean> {
  if (deps.sandboxLocationId && locationId === deps.sandboxLocationId) return true;
  const connection = await deps.repository.findByAccountKey(`location:${locationId}`);
  return connection !== null && connection.provider === 'highlevel' && connection.status !== 'disabled';
}

export function marketplaceGuard(deps: MarketplaceGuardDeps): preHandlerAsyncHookHandler {
  for (const name of ['checkSecret', 'repository'] as const) {
    if (!deps?.[name]) throw new MarketplaceError('missing_dependency', `marketplaceGuard: deps.${name} is required`);
  }
  return async (request, reply) => {
    if (!deps.enabled) {
      return sendMarketplaceError(
        reply,
        new MarketplaceError(
          'marketplace_disabled',
          'the marketplace feature is off; add `marketplace` to `features` in parley.config.yaml',
        ),
      );
    }
    if (!(await deps.checkSecret(request.headers[MARKETPLACE_SECRET_HEADER]))) {
      return sendMarketplaceError(
        reply,
        new MarketplaceError(
          'marketplace_secret_invalid',
          `header ${MARKETPLACE_SECRET_HEADER} is missing or wrong; set it to the secret \`parley marketplace secret rotate\` printed`,
        ),
      );
    }
    const locationId = locationOf(request);
    if (request.method === 'GET' && (locationId === undefined || locationId === '')) return;
    if (typeof locationId !== 'string' || locationId === '') {
      return sendMarketplaceError(
        reply,
        new MarketplaceError(
          'marketplace_location_not_installed',
          'extras.locationId is missing: expected the id of a HighLevel location that installed the app',
        ),
      );
    }
    if (!(await isInstalled(deps, locationId))) {
      return sendMarketplaceError(
        reply,
        new MarketplaceError(
          'marketplace_location_not_installed',
          `extras.locationId ${locationId} has no active install of the app; install it on that sub-account`,
        ),
      );
    }
    request.marketplaceLocationId = locationId;
  };
}
