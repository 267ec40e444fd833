/**
 * Mints tokens for tests and local use without the OAuth dance (`sandbox.issueToken`, POST /sandbox/tokens):
 * OAuth access tokens (with a refresh token) or Private Integration Tokens, which never expire and have
 * no refresh token (https://marketplace.gohighlevel.com/docs/Authorization/PrivateIntegrationsToken).
 */
import { DEFAULT_AGENCY_SCOPES, DEFAULT_LOCATION_SCOPES } from './default-scopes.js';
import { SandboxError } from './sandbox-errors.js';
import { checkNumber } from './sandbox-options.js';
import type { TokenGrant, TokenStore } from './token-store.js';

export interface IssueTokenOptions {
  locationId?: string;
  companyId?: string;
  scopes?: string[];
  userType?: 'Location' | 'Company';
  ttlSeconds?: number;
  kind?: 'oauth' | 'pit';
}

export interface IssuedToken {
  accessToken: string;
  refreshToken?: string;
  expiresIn?: number;
  scopes: string[];
}

export interface IssueTokenDeps {
  tokens: TokenStore;
  appId: string;
  clientId: string;
  companyId: string;
  defaultLocationId: string;
  userId: string;
  accessTokenTtlSeconds: number;
  locations: ReadonlyMap<string, unknown>;
}

const KNOWN_KEYS = ['locationId', 'companyId', 'scopes', 'userType', 'ttlSeconds', 'kind'];

function invalid(message: string): never {
  throw new SandboxError('invalid_option', message);
}

export function issueSandboxToken(options: IssueTokenOptions, deps: IssueTokenDeps): IssuedToken {
  for (const key of Object.keys(options)) {
    if (!KNOWN_KEYS.includes(key)) invalid(`issueToken has no option ${key}; expected one of ${KNOWN_KEYS.join(', ')}`);
  }
  const userType = options.userType ?? 'Location';
  if (userType !== 'Location' && userType !== 'Company') invalid('userType must be "Location" or "Company"');
  const kind = options.kind ?? 'oauth';
  if (kind !== 'oauth' && kind !== 'pit') invalid('kind must be "oauth" or "pit"');
  const scopes = options.scopes ?? [...(userType === 'Company' ? DEFAULT_AGENCY_SCOPES : DEFAULT_LOCATION_SCOPES)];
  if (!Array.isArray(scopes) || scopes.some((s) => typeof s !== 'string' || s.length === 0)) {
    invalid('scopes must be an array of scope names');
  }
  const ttlSeconds =
    options.ttlSeconds === undefined
      ? deps.accessTokenTtlSeconds
      : checkNumber('ttlSeconds', options.ttlSeconds, { min: 1, integer: true });
  const companyId = options.companyId ?? deps.companyId;
  if (companyId !== deps.companyId) invalid(`companyId ${companyId} is not this sandbox's company (${deps.companyId})`);
  let locationId: string | null = null;
  if (userType === 'Location') {
    locationId = options.locationId ?? deps.defaultLocationId;
    if (!deps.locations.has(locationId)) {
      throw new SandboxError('unknown_location', `locationId ${locationId} is not a sandbox location`);
    }
  }
  const grant: TokenGrant = {
    clientId: deps.clientId,
    appId: deps.appId,
    userType,
    locationId,
    companyId,
    userId: deps.userId,
    scopes: [...scopes],
    ...(userType === 'Company' ? { approvedLocations: [...deps.locations.keys()] } : {}),
  };
  const accessToken = deps.tokens.issueAccess(grant, { kind, ttlSeconds });
  if (kind === 'pit') return { accessToken, scopes: grant.scopes };
  return { accessToken, refreshToken: deps.tokens.issueRefresh(grant), expiresIn: ttlSeconds, scopes: grant.scopes };
}
