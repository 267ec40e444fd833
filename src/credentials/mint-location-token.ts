/**
 * Agency → location: mints a location token with the agency's access token through
 * POST /oauth/locationToken and saves it as a `location_token` connection whose parent is the agency
 * connection (specs/highlevel/apps/oauth.json). The v2 answer has no refresh token (docs/highlevel-api.md),
 * so the token manager renews it by minting again; the parent link is what makes that possible.
 */
import type { HighLevelTokenClient } from '../highlevel/oauth/token-client-types.js';
import type { Connection, ConnectionRepository } from './types.js';

/**
 * HighLevel access tokens "are valid for a day"
 * (https://github.com/GoHighLevel/highlevel-api-docs/blob/main/docs/oauth/Authorization.md); used when
 * an answer omits expires_in, as the official SDK does.
 */
const DEFAULT_TOKEN_LIFETIME_MS = 24 * 60 * 60_000;

export function expiresAtFrom(expiresIn: number | null, now: number): number {
  return now + (expiresIn !== null && expiresIn > 0 ? expiresIn * 1000 : DEFAULT_TOKEN_LIFETIME_MS);
}

export interface MintLocationTokenInput {
  agency: Connection;
  agencyAccessToken: string;
  locationId: string;
  repository: ConnectionRepository;
  tokenClient: HighLevelTokenClient;
  now: () => number;
}

export async function mintLocationConnection(input: MintLocationTokenInput): Promise<Connection> {
  const { agency, locationId } = input;
  if (agency.companyId === null) {
    throw new TypeError(`mintLocationConnection: agency connection ${agency.id} has no companyId`);
  }
  const grant = await input.tokenClient.locationToken({
    agencyAccessToken: input.agencyAccessToken,
    companyId: agency.companyId,
    locationId,
  });
  return input.repository.save({
    provider: 'highlevel',
    kind: 'location_token',
    accountKey: `location:${locationId}`,
    label: `HighLevel location ${locationId} (via agency ${agency.companyId})`,
    userType: 'Location',
    locationId,
    companyId: agency.companyId,
    parentId: agency.id,
    scopes: grant.scopes,
    expiresAt: expiresAtFrom(grant.expiresIn, input.now()),
    secrets: { accessToken: grant.accessToken },
  });
}
