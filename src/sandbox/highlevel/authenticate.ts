/**
 * Bearer authentication and authorization for the sandbox's API routes, with HighLevel's messages:
 * UnauthorizedDTO "Invalid token: access token is invalid" (specs/highlevel/common/common-schemas.json),
 * a 403 naming the missing scope, and a 403 when the token type does not fit the route's security scheme.
 */
import { type ErrorReply, forbidden, unauthorized } from './api-error-bodies.js';
import type { ApiOperation } from './api-operations.js';
import type { TokenKind, TokenStore } from './token-store.js';
import type { SandboxPrincipal } from './types.js';

export type Authentication =
  | { ok: true; principal: SandboxPrincipal; kind: TokenKind }
  | { ok: false; reply: ErrorReply };

const BEARER = /^Bearer\s+(\S+)\s*$/i;

export function authenticate(authorization: string | undefined, tokens: TokenStore): Authentication {
  const token = authorization ? BEARER.exec(authorization)?.[1] : undefined;
  if (!token) return { ok: false, reply: unauthorized('Invalid token: access token is invalid') };
  const found = tokens.lookupAccess(token);
  if (found.status === 'expired') return { ok: false, reply: unauthorized('Invalid token: access token has expired') };
  if (found.status === 'invalid') return { ok: false, reply: unauthorized('Invalid token: access token is invalid') };
  return { ok: true, principal: found.principal, kind: found.kind };
}

/** Null when the principal may call the operation; otherwise the 403 to answer. */
export function authorize(principal: SandboxPrincipal, kind: TokenKind, op: ApiOperation): ErrorReply | null {
  if (op.access === 'location' && principal.userType !== 'Location') {
    return forbidden(
      'This route requires a Sub-Account (Location) access token or Sub-Account Private Integration Token; an Agency (Company) token was sent',
    );
  }
  if (op.access === 'agency' && (principal.userType !== 'Company' || kind === 'pit')) {
    // Agency-Access-Only accepts an Agency OAuth token only, not a Private Integration Token.
    return forbidden('This route requires an Agency (Company) OAuth access token');
  }
  if (op.scopes.length > 0 && !op.scopes.some((scope) => principal.scopes.includes(scope))) {
    return forbidden(`The token is not authorized for this scope. Missing scope: ${op.scopes.join(' or ')}`);
  }
  return null;
}

/**
 * Rate limits apply per Marketplace app per resource: the location, or the company for agency tokens
 * (https://marketplace.gohighlevel.com/docs/other/rate-limits).
 */
export function rateLimitKey(principal: SandboxPrincipal): string {
  return `${principal.appId}:${principal.locationId ?? principal.companyId}`;
}
