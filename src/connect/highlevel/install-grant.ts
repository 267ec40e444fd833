/**
 * Saves what an OAuth consent produced (POST /oauth/token and /oauth/locationToken in
 * specs/highlevel/apps/oauth.json):
 * - a Location token becomes an `oauth` connection for `location:<id>`;
 * - a Company (agency) token becomes the agency `oauth` connection for `company:<id>`, plus one
 *   `location_token` connection per location the app is installed on, minted with the agency token.
 *
 * Which locations: a bulk install names them in `approvedLocations`. Otherwise
 * GET /oauth/installedLocations is asked, because it is the full list of where the app is installed,
 * including locations installed before this consent; if that call fails, `approvedLocations` is the
 * fallback. One location failing does not undo the others: the result lists each failure.
 */

import { expiresAtFrom, mintLocationConnection } from '../../credentials/mint-location-token.js';
import type { Connection, ConnectionRepository } from '../../credentials/types.js';
import { OAuthError } from '../../highlevel/oauth/oauth-error.js';
import type { HighLevelTokenClient, TokenGrant } from '../../highlevel/oauth/token-client-types.js';
import type { Logger } from '../../lib/create-logger.js';
import { HighLevelConnectError } from './connect-error.js';

export interface InstallGrantDeps {
  repository: ConnectionRepository;
  tokenClient: HighLevelTokenClient;
  /** The Marketplace app id (the client id up to its first '-', as the official SDK derives it). */
  appId: string;
  now: () => number;
  logger: Logger;
}

export interface InstallResult {
  userType: 'Location' | 'Company';
  /** The agency connection first (Company installs), then each location's. */
  connections: Connection[];
  failures: { locationId: string; message: string }[];
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function locationsToMint(grant: TokenGrant, accessToken: string, deps: InstallGrantDeps): Promise<string[]> {
  if (grant.isBulkInstallation && grant.approvedLocations.length > 0) return grant.approvedLocations;
  try {
    const installed = await deps.tokenClient.installedLocations({
      agencyAccessToken: accessToken,
      companyId: grant.companyId!,
      appId: deps.appId,
    });
    return [...new Set([...installed.map((l) => l.locationId), ...grant.approvedLocations])];
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    deps.logger.warn(
      { companyId: grant.companyId, code: error.code },
      'could not list installed locations; using the approved locations of the grant',
    );
    return grant.approvedLocations;
  }
}

export async function installGrant(grant: TokenGrant, deps: InstallGrantDeps): Promise<InstallResult> {
  const now = deps.now();
  if (grant.userType === 'Location') {
    if (!grant.locationId) {
      throw new HighLevelConnectError(
        'invalid_grant_response',
        'HighLevel granted a Location token without a locationId',
      );
    }
    const connection = await deps.repository.save({
      provider: 'highlevel',
      kind: 'oauth',
      accountKey: `location:${grant.locationId}`,
      label: `HighLevel location ${grant.locationId}`,
      userType: 'Location',
      locationId: grant.locationId,
      companyId: grant.companyId,
      scopes: grant.scopes,
      expiresAt: expiresAtFrom(grant.expiresIn, now),
      secrets: { accessToken: grant.accessToken, ...(grant.refreshToken ? { refreshToken: grant.refreshToken } : {}) },
    });
    return { userType: 'Location', connections: [connection], failures: [] };
  }

  if (!grant.companyId) {
    throw new HighLevelConnectError('invalid_grant_response', 'HighLevel granted a Company token without a companyId');
  }
  const agency = await deps.repository.save({
    provider: 'highlevel',
    kind: 'oauth',
    accountKey: `company:${grant.companyId}`,
    label: `HighLevel agency ${grant.companyId}`,
    userType: 'Company',
    companyId: grant.companyId,
    scopes: grant.scopes,
    expiresAt: expiresAtFrom(grant.expiresIn, now),
    secrets: { accessToken: grant.accessToken, ...(grant.refreshToken ? { refreshToken: grant.refreshToken } : {}) },
  });
  const result: InstallResult = { userType: 'Company', connections: [agency], failures: [] };
  // One at a time: a bulk install can name many locations, and they share the app's rate limit.
  for (const locationId of await locationsToMint(grant, grant.accessToken, deps)) {
    try {
      const connection = await mintLocationConnection({
        agency,
        agencyAccessToken: grant.accessToken,
        locationId,
        repository: deps.repository,
        tokenClient: deps.tokenClient,
        now: deps.now,
      });
      result.connections.push(connection);
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      deps.logger.warn({ companyId: grant.companyId, locationId, code: error.code }, 'location token not minted');
      result.failures.push({ locationId, message: messageOf(error) });
    }
  }
  return result;
}
