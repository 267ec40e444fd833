/**
 * Handlers of the two Agency-only OAuth operations (specs/highlevel/apps/oauth.json). They run through
 * the same pipeline as the conversations routes (auth, scope, rate limit per company, validation
 * against oauth.openapi.json), so only the behaviour lives here.
 *
 * - get-location-access-token: an Agency token with `oauth.write` mints a Location access token with
 *   NO refresh token (docs/highlevel-api.md); to renew, call it again.
 * - get-installed-location: the app counts as installed on every sandbox location of the company.
 */
import { forbidden } from './api-error-bodies.js';
import { DEFAULT_LOCATION_SCOPES } from './default-scopes.js';
import { countInto, type SandboxStats } from './sandbox-stats.js';
import type { TokenStore } from './token-store.js';
import type { OperationHandler } from './types.js';

export interface AgencyHandlerDeps {
  tokens: TokenStore;
  stats: SandboxStats;
  locations: () => { id: string; name: string }[];
  app: () => { clientId: string; appId: string; accessTokenTtlSeconds: number };
  userId: string;
}

/**
 * A location token carries the agency grant's scopes minus the agency-only `oauth.*` ones. An agency
 * token granted only `oauth.*` gets the sandbox app's full location scope set, as an app installed
 * with all its declared scopes would.
 */
function locationScopes(agencyScopes: string[]): string[] {
  const scopes = agencyScopes.filter((s) => !s.startsWith('oauth.'));
  return scopes.length > 0 ? scopes : [...DEFAULT_LOCATION_SCOPES];
}

export function createAgencyHandlers(deps: AgencyHandlerDeps): Record<string, OperationHandler> {
  const companyMismatch = (companyId: string) => forbidden(`The token does not have access to company ${companyId}`);

  const getLocationAccessToken: OperationHandler = (req) => {
    const { companyId, locationId } = req.body as { companyId: string; locationId: string };
    if (companyId !== req.principal.companyId) return companyMismatch(companyId);
    if (!deps.locations().some((l) => l.id === locationId)) {
      return {
        status: 400,
        body: { statusCode: 400, message: `locationId ${locationId} is not a location of company ${companyId}` },
      };
    }
    const app = deps.app();
    const scopes = locationScopes(req.principal.scopes);
    const accessToken = deps.tokens.issueAccess(
      {
        clientId: app.clientId,
        appId: app.appId,
        userType: 'Location',
        locationId,
        companyId,
        userId: deps.userId,
        scopes,
      },
      { kind: 'oauth', ttlSeconds: app.accessTokenTtlSeconds },
    );
    countInto(deps.stats.tokenGrants, 'location_token');
    return {
      status: 200,
      body: {
        access_token: accessToken,
        token_type: 'Bearer',
        expires_in: app.accessTokenTtlSeconds,
        scope: scopes.join(' '),
        locationId,
        userId: deps.userId,
        appId: app.appId,
      },
    };
  };

  const getInstalledLocations: OperationHandler = (req) => {
    const q = req.query as {
      companyId: string;
      appId: string;
      skip?: string;
      limit?: string;
      query?: string;
      isInstalled?: boolean;
      locationId?: string;
    };
    if (q.companyId !== req.principal.companyId) return companyMismatch(q.companyId);
    const installed = q.appId === deps.app().appId && q.isInstalled !== false;
    const text = q.query?.toLowerCase();
    const matches = installed
      ? deps
          .locations()
          .filter((l) => (!q.locationId || l.id === q.locationId) && (!text || l.name.toLowerCase().includes(text)))
      : [];
    const skip = Math.max(0, Number.parseInt(q.skip ?? '0', 10) || 0);
    const limit = Math.max(1, Number.parseInt(q.limit ?? '20', 10) || 20);
    return {
      status: 200,
      body: {
        locations: matches.slice(skip, skip + limit).map((l) => ({ _id: l.id, name: l.name, isInstalled: true })),
        count: matches.length,
        installToFutureLocations: false,
      },
    };
  };

  return { 'get-location-access-token': getLocationAccessToken, 'get-installed-location': getInstalledLocations };
}
