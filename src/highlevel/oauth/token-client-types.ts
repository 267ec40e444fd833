/**
 * Contract of the HighLevel OAuth token client (specs/highlevel/apps/oauth.json): the authorization-code
 * exchange, the refresh grant, and agency → location tokens. Implemented in this folder.
 */
export interface TokenGrant {
  accessToken: string;
  /** Null for location tokens minted from an agency token (the v2 answer has no refresh token). */
  refreshToken: string | null;
  /** Seconds; null when HighLevel omits it. */
  expiresIn: number | null;
  scopes: string[];
  userType: 'Location' | 'Company';
  locationId: string | null;
  companyId: string | null;
  userId: string | null;
  isBulkInstallation: boolean;
  approvedLocations: string[];
}

export interface HighLevelTokenClient {
  exchangeCode(input: { code: string; redirectUri: string; userType?: 'Location' | 'Company' }): Promise<TokenGrant>;
  refresh(input: { refreshToken: string; userType: 'Location' | 'Company' }): Promise<TokenGrant>;
  locationToken(input: { agencyAccessToken: string; companyId: string; locationId: string }): Promise<TokenGrant>;
  installedLocations(input: {
    agencyAccessToken: string;
    companyId: string;
    appId: string;
  }): Promise<{ locationId: string; name: string }[]>;
}

/**
 * `invalid_grant`: the code or refresh token is used, revoked or expired: never retry, reconnect.
 * `invalid_client`: wrong client id/secret: a configuration problem.
 * The others are transient or malformed answers.
 */
export type OAuthErrorCode =
  | 'invalid_grant'
  | 'invalid_client'
  | 'invalid_request'
  | 'forbidden'
  | 'rate_limited'
  | 'server_error'
  | 'network_error'
  | 'timeout'
  | 'invalid_response';
