/**
 * GET /oauth/highlevel/callback's work, apart from HTTP: check the state (CSRF, and that it comes back
 * to the console session that started the install), exchange the code,
 * compare the granted scopes with the requested ones, then save. Nothing is stored unless every step
 * before saving passed: a missing scope means the features that need it would fail later, so the
 * consent is refused now, naming the scope and the features. Extra scopes are stored and
 * reported as a warning: they work, but are more than least privilege.
 */

import type { ConnectionRepository } from '../../credentials/types.js';
import { describeMissing, type ScopePlan } from '../../features/scope-planner.js';
import { OAuthError } from '../../highlevel/oauth/oauth-error.js';
import type { HighLevelTokenClient } from '../../highlevel/oauth/token-client-types.js';
import type { Logger } from '../../lib/create-logger.js';
import { HighLevelConnectError } from './connect-error.js';
import { type HighLevelUserType, userTypeForScopes } from './consent-url.js';
import { type InstallResult, installGrant } from './install-grant.js';
import type { OAuthStateStore } from './oauth-state-store.js';

export interface CallbackQuery {
  code?: string;
  state?: string;
  error?: string;
  error_description?: string;
}

export interface CallbackDeps {
  states: OAuthStateStore;
  repository: ConnectionRepository;
  tokenClient: HighLevelTokenClient;
  /** The planner's set for a user type; gives the features that need a scope. */
  plan: (userType: HighLevelUserType) => ScopePlan;
  appId: string;
  now: () => number;
  logger: Logger;
}

export interface CallbackResult extends InstallResult {
  requestedScopes: string[];
  /** Granted beyond what was asked: kept, with a warning. */
  extraScopes: string[];
}

const STATE_PROBLEMS = {
  missing: 'The callback has no state parameter, so it cannot be matched to an install parley started.',
  unknown: 'The state parameter does not match any install parley started (or it expired and was cleaned up).',
  used: 'This install link was already used. Start again from parley.',
  expired: 'This install link expired (they last 10 minutes). Start again from parley.',
  no_session:
    'This install was started from the parley console, and this browser is not signed in to that session (signed out, or the session ended). Nothing was connected. Sign in to the console as an admin and start again.',
  other_session:
    'This install link was started from a different console session, so parley refused it: an install only completes in the signed-in session that started it. Nothing was connected. Start again from your own console.',
} as const;

/**
 * `from.sessionIds`: the live admin console sessions the browser came back with (oauth-routes.ts
 * checks them); an install started from the console completes only with its own.
 */
export async function completeOAuthCallback(
  query: CallbackQuery,
  deps: CallbackDeps,
  from: { sessionIds: readonly string[] } = { sessionIds: [] },
): Promise<CallbackResult> {
  // The state is checked before anything else in the query is believed (RFC 6749 §10.12).
  const consumed = await deps.states.consume(query.state, from);
  if (!consumed.ok) throw new HighLevelConnectError('invalid_state', STATE_PROBLEMS[consumed.reason]);
  if (query.error) {
    const detail = query.error_description ? `: ${query.error_description}` : '';
    throw new HighLevelConnectError('consent_denied', `HighLevel did not grant access (${query.error}${detail})`);
  }
  if (!query.code) throw new HighLevelConnectError('missing_code', 'The callback has no code parameter');

  const userType = userTypeForScopes(consumed.scopes);
  let grant: Awaited<ReturnType<HighLevelTokenClient['exchangeCode']>>;
  try {
    grant = await deps.tokenClient.exchangeCode({ code: query.code, redirectUri: consumed.redirectUri, userType });
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    throw new HighLevelConnectError(
      'exchange_failed',
      `HighLevel did not exchange the authorization code (${error.code}): ${error.message}`,
      { cause: error },
    );
  }

  const granted = new Set(grant.scopes);
  const missing = consumed.scopes.filter((s) => !granted.has(s));
  if (missing.length > 0) {
    const reasons = deps.plan(grant.userType).reasons;
    const withFeatures = missing.map((scope) => ({ scope, features: (reasons[scope] ?? []).map((r) => r.feature) }));
    const features = Object.fromEntries(withFeatures.map((m) => [m.scope, m.features.map(String)]));
    throw new HighLevelConnectError(
      'missing_scope',
      `HighLevel granted fewer scopes than parley asked for; missing: ${describeMissing(withFeatures).join('; ')}. ` +
        'Nothing was stored. Approve the app again with every requested scope, or switch those features off.',
      { missingScopes: missing, features },
    );
  }
  const requested = new Set(consumed.scopes);
  const extraScopes = grant.scopes.filter((s) => !requested.has(s));
  if (extraScopes.length > 0) {
    deps.logger.warn(
      { extraScopes },
      'HighLevel granted more scopes than parley needs; stored, but not least privilege',
    );
  }

  const installed = await installGrant(grant, deps);
  deps.logger.info(
    {
      userType: installed.userType,
      connections: installed.connections.map((c) => ({ id: c.id, kind: c.kind, accountKey: c.accountKey })),
      failures: installed.failures.map((f) => f.locationId),
    },
    'HighLevel connected',
  );
  return { ...installed, requestedScopes: consumed.scopes, extraScopes };
}
