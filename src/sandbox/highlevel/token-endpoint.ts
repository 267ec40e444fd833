/**
 * POST /oauth/token (operation get-access-token in specs/highlevel/apps/oauth.json): the
 * authorization_code and refresh_token grants, form-encoded as HighLevel documents (JSON accepted too).
 *
 * Error bodies: HighLevel's spec declares BadRequestDTO `{statusCode, message}` for 400 and
 * UnauthorizedDTO for 401 but documents no OAuth error codes, so the sandbox sends both the spec's
 * fields and RFC 6749 §5.2's `error` / `error_description` (`invalid_grant`, `invalid_client`,
 * `unsupported_grant_type`). Clients can key on `error` either way.
 *
 * Refresh tokens rotate and are single-use: each refresh returns a new pair and the old refresh token
 * is gone at once (see token-store.ts).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { unprocessable } from './api-error-bodies.js';
import { sendError } from './api-routes.js';
import type { RequestValidator } from './request-validator.js';
import { countInto, type SandboxStats } from './sandbox-stats.js';
import type { TokenGrant, TokenStore } from './token-store.js';

export interface TokenEndpointDeps {
  tokens: TokenStore;
  validator: RequestValidator;
  stats: SandboxStats;
  app: () => { clientId: string; clientSecret: string; appId: string; accessTokenTtlSeconds: number };
  userId: string;
}

interface TokenRequest {
  client_id: string;
  client_secret: string;
  grant_type: 'authorization_code' | 'refresh_token' | 'client_credentials';
  code?: string;
  refresh_token?: string;
  user_type?: 'Company' | 'Location';
  redirect_uri?: string;
}

/** Compares secrets in constant time; hashing first makes the lengths equal. */
function sameSecret(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

function oauthError(status: number, error: string, description: string) {
  return { status, body: { error, error_description: description, statusCode: status, message: description } };
}

/** GetAccessCodeSuccessfulResponseDto (specs/highlevel/apps/oauth.json). */
export function tokenResponse(grant: TokenGrant, accessToken: string, refreshToken: string, expiresIn: number) {
  const base = {
    access_token: accessToken,
    token_type: 'Bearer',
    expires_in: expiresIn,
    refresh_token: refreshToken,
    scope: grant.scopes.join(' '),
    userType: grant.userType,
    companyId: grant.companyId,
    userId: grant.userId,
  };
  if (grant.userType === 'Location') return { ...base, locationId: grant.locationId };
  return { ...base, isBulkInstallation: false, approvedLocations: grant.approvedLocations ?? [] };
}

export function registerTokenEndpoint(app: FastifyInstance, deps: TokenEndpointDeps): void {
  const { tokens, stats } = deps;

  app.post('/oauth/token', async (request, reply) => {
    const valid = deps.validator.validate('get-access-token', { params: {}, query: {}, body: request.body ?? {} });
    if (!valid.ok) return sendError(reply, unprocessable(valid.messages));
    const body = valid.body as TokenRequest;
    const config = deps.app();
    if (!sameSecret(body.client_id, config.clientId) || !sameSecret(body.client_secret, config.clientSecret)) {
      return sendError(
        reply,
        oauthError(401, 'invalid_client', 'Client authentication failed: unknown client_id or wrong client_secret'),
      );
    }
    const rejected = (description: string) => {
      countInto(stats.tokenGrantsRejected, body.grant_type);
      return sendError(reply, oauthError(400, 'invalid_grant', description));
    };
    const issue = (grant: TokenGrant) => {
      const accessToken = tokens.issueAccess(grant, { kind: 'oauth', ttlSeconds: config.accessTokenTtlSeconds });
      const refreshToken = tokens.issueRefresh(grant);
      countInto(stats.tokenGrants, body.grant_type);
      return reply.send(tokenResponse(grant, accessToken, refreshToken, config.accessTokenTtlSeconds));
    };

    if (body.grant_type === 'authorization_code') {
      if (!body.code)
        return sendError(reply, unprocessable(['code is required when grant_type is authorization_code']));
      const used = tokens.consumeCode(body.code);
      if (!used.ok) {
        return rejected(
          used.reason === 'expired'
            ? 'The authorization code has expired'
            : 'The authorization code is invalid or was already used',
        );
      }
      const code = used.value;
      if (code.clientId !== body.client_id) return rejected('The authorization code was issued to another client');
      // RFC 6749 §4.1.3: redirect_uri must be identical to the one of the authorization request.
      if (body.redirect_uri !== code.redirectUri)
        return rejected('redirect_uri does not match the authorization request');
      const company = body.user_type === 'Company';
      return issue({
        clientId: body.client_id,
        appId: config.appId,
        userType: company ? 'Company' : 'Location',
        locationId: company ? null : code.locationId,
        companyId: code.companyId,
        userId: deps.userId,
        scopes: code.scopes,
        ...(company ? { approvedLocations: [code.locationId] } : {}),
      });
    }

    if (body.grant_type === 'refresh_token') {
      if (!body.refresh_token) {
        return sendError(reply, unprocessable(['refresh_token is required when grant_type is refresh_token']));
      }
      const used = tokens.consumeRefresh(body.refresh_token);
      if (!used.ok) {
        return rejected(
          used.reason === 'expired'
            ? 'The refresh token has expired'
            : 'The refresh token is invalid or was already used',
        );
      }
      if (used.value.clientId !== body.client_id) return rejected('The refresh token was issued to another client');
      return issue(used.value);
    }

    // client_credentials is in the spec's enum but documented nowhere.
    return sendError(
      reply,
      oauthError(400, 'unsupported_grant_type', `grant_type ${body.grant_type} is not supported`),
    );
  });
}
