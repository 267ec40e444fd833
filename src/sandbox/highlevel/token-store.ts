/**
 * The sandbox's OAuth state, in memory: access tokens, refresh tokens and authorization codes.
 *
 * - Access tokens expire after their TTL; Private Integration Tokens never do
 *   (https://marketplace.gohighlevel.com/docs/Authorization/PrivateIntegrationsToken).
 * - Refresh tokens are single-use: consuming one deletes it at once, so a second refresh with the same
 *   token is an `invalid_grant`. They live a year ("valid for a year unless they are used",
 *   https://github.com/GoHighLevel/highlevel-api-docs/blob/main/docs/oauth/Authorization.md).
 * - Authorization codes are single-use and expire after 10 minutes (RFC 6749 §4.1.2 recommends at most 10).
 * - An access token issued before a refresh stays valid until it expires: HighLevel documents no
 *   revocation on refresh, and concurrent callers still holding it should not fail.
 */
import type { SandboxPrincipal } from './types.js';

/** What a token was granted for; the principal of every access token minted from it. */
export interface TokenGrant {
  clientId: string;
  appId: string;
  userType: 'Location' | 'Company';
  locationId: string | null;
  companyId: string;
  userId: string;
  scopes: string[];
  /** Company tokens: the locations approved at consent (GetAccessCodeSuccessfulResponseDto.approvedLocations). */
  approvedLocations?: string[];
}

export interface AuthorizationCode {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  locationId: string;
  companyId: string;
}

export type TokenKind = 'oauth' | 'pit';

export type AccessLookup =
  | { status: 'valid'; principal: SandboxPrincipal; kind: TokenKind; grant: TokenGrant }
  | { status: 'invalid' }
  | { status: 'expired' };

export type Consumed<T> = { ok: true; value: T } | { ok: false; reason: 'unknown' | 'expired' };

export interface TokenStore {
  issueAccess(grant: TokenGrant, options: { kind: TokenKind; ttlSeconds: number }): string;
  lookupAccess(token: string): AccessLookup;
  issueRefresh(grant: TokenGrant): string;
  consumeRefresh(token: string): Consumed<TokenGrant>;
  issueCode(code: AuthorizationCode): string;
  consumeCode(code: string): Consumed<AuthorizationCode>;
}

export const CODE_TTL_MS = 10 * 60_000;
export const REFRESH_TTL_MS = 365 * 24 * 60 * 60_000;

interface Expiring<T> {
  value: T;
  /** Epoch ms, or null for tokens that never expire (PIT). */
  expiresAt: number | null;
}

export interface TokenStoreOptions {
  now: () => number;
  newToken: (prefix: 'sbx_at_' | 'sbx_rt_' | 'sbx_pit_' | 'sbx_code_') => string;
}

export function createTokenStore(options: TokenStoreOptions): TokenStore {
  const { now, newToken } = options;
  const access = new Map<string, Expiring<{ grant: TokenGrant; kind: TokenKind }>>();
  const refresh = new Map<string, Expiring<TokenGrant>>();
  const codes = new Map<string, Expiring<AuthorizationCode>>();

  function consume<T>(map: Map<string, Expiring<T>>, key: string): Consumed<T> {
    const entry = map.get(key);
    if (!entry) return { ok: false, reason: 'unknown' };
    map.delete(key);
    if (entry.expiresAt !== null && now() >= entry.expiresAt) return { ok: false, reason: 'expired' };
    return { ok: true, value: entry.value };
  }

  return {
    issueAccess(grant, { kind, ttlSeconds }) {
      const token = newToken(kind === 'pit' ? 'sbx_pit_' : 'sbx_at_');
      const expiresAt = kind === 'pit' ? null : now() + ttlSeconds * 1000;
      access.set(token, { value: { grant, kind }, expiresAt });
      return token;
    },
    lookupAccess(token) {
      const entry = access.get(token);
      if (!entry) return { status: 'invalid' };
      if (entry.expiresAt !== null && now() >= entry.expiresAt) return { status: 'expired' };
      const { grant, kind } = entry.value;
      const principal: SandboxPrincipal = {
        appId: grant.appId,
        userType: grant.userType,
        locationId: grant.locationId,
        companyId: grant.companyId,
        scopes: [...grant.scopes],
      };
      return { status: 'valid', principal, kind, grant };
    },
    issueRefresh(grant) {
      const token = newToken('sbx_rt_');
      refresh.set(token, { value: grant, expiresAt: now() + REFRESH_TTL_MS });
      return token;
    },
    consumeRefresh: (token) => consume(refresh, token),
    issueCode(code) {
      const token = newToken('sbx_code_');
      codes.set(token, { value: code, expiresAt: now() + CODE_TTL_MS });
      return token;
    },
    consumeCode: (code) => consume(codes, code),
  };
}
