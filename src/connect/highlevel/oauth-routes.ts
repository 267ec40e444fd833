/**
 * GET /oauth/highlevel/start and GET /oauth/highlevel/callback:
 * - start: for a signed-in console admin only (install-session.ts: a signed-out browser goes to the
 *   console login, an API caller gets 401/403); 302 to HighLevel's consent page asking for the
 *   planner's minimal scopes, with a fresh single-use state bound to the admin's session;
 *   `?user_type=Company` asks for an agency token, which adds the agency-only `oauth.*` scopes.
 * - callback: checks the state and that it comes back to its session, exchanges the code and saves the
 *   connections (complete-callback.ts), answering a small HTML page; 400 for what the user can fix,
 *   502 when HighLevel failed.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';

import type { ConnectionRepository } from '../../credentials/types.js';
import type { ScopePlan } from '../../features/scope-planner.js';
import type { HighLevelAppConfig } from '../../highlevel/highlevel-settings.js';
import type { HighLevelTokenClient } from '../../highlevel/oauth/token-client-types.js';
import type { Logger } from '../../lib/create-logger.js';
import { type CallbackQuery, type CallbackResult, completeOAuthCallback } from './complete-callback.js';
import { HighLevelConnectError } from './connect-error.js';
import { beginConsent, type HighLevelUserType } from './consent-url.js';
import {
  callbackSessionIds,
  clearedInstallCookie,
  decideInstallStart,
  hasInstallCookie,
  installCookie,
} from './install-session.js';
import { type OAuthStateStore, STATE_TTL_MS } from './oauth-state-store.js';
import { renderConnectErrorPage, renderConnectedPage } from './result-page.js';

/** A failure is a HighLevelConnectError, or whatever else broke (store, vault) as it was thrown. */
export type CallbackOutcome = { ok: true; result: CallbackResult } | { ok: false; error: Error };

export interface HighLevelOAuthRouteDeps {
  config: Pick<HighLevelAppConfig, 'authorizeUrl' | 'clientId' | 'redirectUri'>;
  repository: ConnectionRepository;
  tokenClient: HighLevelTokenClient;
  states: OAuthStateStore;
  /** The minimal scope set per user type: `(userType) => planScopes(config.features, { userType })`. */
  plan: (userType: HighLevelUserType) => ScopePlan;
  now?: () => number;
  logger: Logger;
  /** Told about every callback's outcome (the CLI's one-shot listener waits on it). */
  onCallback?: (outcome: CallbackOutcome) => void;
}

const USER_TYPES: readonly string[] = ['Location', 'Company'];
const CLIENT_ERRORS = new Set(['invalid_state', 'missing_code', 'consent_denied', 'missing_scope']);
/** Token-endpoint answers that mean "this code is no good" rather than "HighLevel failed". */
const REFUSED_CODE = new Set(['invalid_grant', 'invalid_request']);

/** 400 for what the person can fix by starting again, 502 when HighLevel (or its answer) failed. */
function statusFor(error: HighLevelConnectError): number {
  if (CLIENT_ERRORS.has(error.code)) return 400;
  const cause = error.cause as { code?: string } | undefined;
  return error.code === 'exchange_failed' && REFUSED_CODE.has(cause?.code ?? '') ? 400 : 502;
}

/**
 * The Marketplace app id: the client id up to its first '-' (the official SDK's rule,
 * https://github.com/GoHighLevel/highlevel-api-sdk).
 */
export const appIdOf = (clientId: string) => clientId.split('-')[0] || clientId;

/** The path the browser comes back to: the redirect URI's (a proxy may put parley under a prefix). */
function callbackPath(redirectUri: string): string {
  try {
    return new URL(redirectUri).pathname;
  } catch {
    return '/oauth/highlevel/callback';
  }
}

const first = (value: unknown) => (Array.isArray(value) ? value[0] : value);
const text = (value: unknown) => (typeof first(value) === 'string' ? (first(value) as string) : undefined);

export async function registerHighLevelOAuthRoutes(app: FastifyInstance, deps: HighLevelOAuthRouteDeps): Promise<void> {
  for (const name of ['repository', 'tokenClient', 'states', 'plan', 'logger', 'config'] as const) {
    if (!deps?.[name]) throw new TypeError(`registerHighLevelOAuthRoutes: deps.${name} is required`);
  }
  const now = deps.now ?? Date.now;
  const logger = deps.logger;
  const html = (reply: FastifyReply, status: number, body: string) =>
    reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(body);

  app.get('/oauth/highlevel/start', async (request, reply) => {
    // Who is asking comes first: nobody learns anything about the install before that.
    const decision = await decideInstallStart(request);
    if (!decision.ok) {
      if (decision.status === 302) return reply.header('cache-control', 'no-store').redirect(decision.location, 302);
      if ((request.headers.accept ?? '').includes('text/html') && request.headers.authorization === undefined) {
        return html(
          reply,
          decision.status,
          renderConnectErrorPage({ code: decision.error, message: decision.message }),
        );
      }
      return reply
        .code(decision.status)
        .header('cache-control', 'no-store')
        .send({ error: decision.error, message: decision.message });
    }
    const requested = text((request.query as Record<string, unknown>)['user_type']) ?? 'Location';
    if (!USER_TYPES.includes(requested)) {
      const message = `user_type must be "Location" or "Company", got "${requested}"`;
      return html(reply, 400, renderConnectErrorPage({ code: 'invalid_user_type', message }));
    }
    const userType = requested as HighLevelUserType;
    const consent = await beginConsent({
      states: deps.states,
      authorizeUrl: deps.config.authorizeUrl,
      clientId: deps.config.clientId,
      redirectUri: deps.config.redirectUri,
      plan: deps.plan(userType),
      owner: { sessionId: decision.sessionId },
    });
    const cookie = installCookie(decision.sessionId, {
      path: callbackPath(deps.config.redirectUri),
      maxAgeSeconds: Math.floor(STATE_TTL_MS / 1000),
      secure: decision.secureCookies,
    });
    return reply.header('cache-control', 'no-store').header('set-cookie', cookie).redirect(consent.url, 302);
  });

  app.get('/oauth/highlevel/callback', async (request, reply) => {
    const q = request.query as Record<string, unknown>;
    const query: CallbackQuery = {
      code: text(q['code']),
      state: text(q['state']),
      error: text(q['error']),
      error_description: text(q['error_description']),
    };
    if (hasInstallCookie(request)) {
      // Its work is done whatever the outcome: the state it was for is spent, refused or expiring.
      reply.header('set-cookie', clearedInstallCookie(callbackPath(deps.config.redirectUri)));
    }
    try {
      const sessionIds = await callbackSessionIds(request);
      const result = await completeOAuthCallback(
        query,
        {
          states: deps.states,
          repository: deps.repository,
          tokenClient: deps.tokenClient,
          plan: deps.plan,
          appId: appIdOf(deps.config.clientId),
          now,
          logger,
        },
        { sessionIds },
      );
      deps.onCallback?.({ ok: true, result });
      return html(reply, 200, renderConnectedPage(result));
    } catch (error) {
      if (error instanceof HighLevelConnectError) {
        logger.warn({ code: error.code, missingScopes: error.details.missingScopes }, 'HighLevel callback refused');
        deps.onCallback?.({ ok: false, error });
        return html(reply, statusFor(error), renderConnectErrorPage(error));
      }
      logger.error({ err: error }, 'HighLevel callback failed');
      deps.onCallback?.({ ok: false, error: error instanceof Error ? error : new Error(String(error)) });
      const message = 'parley could not finish connecting HighLevel because of an internal error; see its log.';
      return html(reply, 500, renderConnectErrorPage({ code: 'internal_error', message }));
    }
  });
}
