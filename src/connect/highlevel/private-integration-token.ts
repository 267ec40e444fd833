/**
 * Connects a HighLevel Private Integration Token
 * (https://marketplace.gohighlevel.com/docs/Authorization/PrivateIntegrationsToken): a static Sub-Account
 * token, sent as `Authorization: Bearer`, that never expires and is never refreshed. Before saving, one
 * cheap read (search-conversation, limit 1, for the location) proves the token works for that location,
 * so a wrong token or location fails now with a clear message rather than at the first welcome.
 *
 * HighLevel does not report a PIT's scopes, so parley records the scopes the user declares (default:
 * the planner's set) and marks them unverified; only the probe's own scope (conversations.readonly) is
 * proven. A declared set missing a needed scope is refused like an OAuth grant missing it.
 */

import type { Connection, ConnectionRepository } from '../../credentials/types.js';
import { describeMissing, type ScopePlan } from '../../features/scope-planner.js';
import { createHighLevelClient } from '../../highlevel/client.js';
import {
  HighLevelError,
  HighLevelForbiddenError,
  HighLevelInvalidRequestError,
  HighLevelNotFoundError,
  HighLevelUnauthorizedError,
} from '../../highlevel/errors.js';
import { type Logger, silentLogger } from '../../lib/create-logger.js';
import { HighLevelConnectError } from './connect-error.js';

export const PROBE_OPERATION = 'search-conversation';

export interface ConnectPitInput {
  token: string;
  locationId: string;
  repository: ConnectionRepository;
  /** HighLevel API base URL (config `highlevel.baseUrl`). */
  baseUrl: string;
  /** The planner's set for a Location; gives the default scopes and the features that need each. */
  plan: ScopePlan;
  /** What the user says the token was given; default `plan.scopes`. */
  declaredScopes?: readonly string[];
  fetch?: typeof fetch;
  logger?: Logger;
}

export interface ConnectPitResult {
  connection: Connection;
  /** Declared scopes beyond the plan: stored, but more than least privilege. */
  extraScopes: string[];
}

function missingScopeError(scopes: string[], plan: ScopePlan, lead: string): HighLevelConnectError {
  const withFeatures = scopes.map((scope) => ({
    scope,
    features: (plan.reasons[scope] ?? []).map((r) => r.feature),
  }));
  return new HighLevelConnectError('missing_scope', `${lead}: ${describeMissing(withFeatures).join('; ')}`, {
    missingScopes: scopes,
    features: Object.fromEntries(withFeatures.map((m) => [m.scope, m.features.map(String)])),
  });
}

function probeError(error: HighLevelError, locationId: string, plan: ScopePlan): HighLevelConnectError {
  const said = error.messages.length > 0 ? error.messages.join('; ') : error.message;
  if (error instanceof HighLevelUnauthorizedError) {
    return new HighLevelConnectError(
      'invalid_token',
      `HighLevel rejected the Private Integration Token (HTTP 401: ${said}). Check that it is a Sub-Account token, copied whole, and not rotated or deleted.`,
    );
  }
  if (error instanceof HighLevelForbiddenError && error.missingScope) {
    return missingScopeError([error.missingScope], plan, 'The Private Integration Token lacks a scope parley needs');
  }
  if (
    error instanceof HighLevelForbiddenError ||
    error instanceof HighLevelNotFoundError ||
    error instanceof HighLevelInvalidRequestError
  ) {
    return new HighLevelConnectError(
      'wrong_location',
      `The Private Integration Token cannot act for location ${locationId} (HTTP ${error.status}: ${said}). Use a token created in that sub-account's settings.`,
    );
  }
  return new HighLevelConnectError(
    'probe_failed',
    `Could not check the Private Integration Token: ${error.code}${error.status ? ` (HTTP ${error.status})` : ''}: ${said}`,
  );
}

export async function connectPrivateIntegrationToken(input: ConnectPitInput): Promise<ConnectPitResult> {
  const { token, locationId, plan } = input;
  if (typeof token !== 'string' || token.trim() === '') {
    throw new HighLevelConnectError('invalid_token', 'The Private Integration Token is empty');
  }
  if (typeof locationId !== 'string' || locationId.trim() === '') {
    throw new HighLevelConnectError(
      'wrong_location',
      'A location id is required: the sub-account the token belongs to',
    );
  }
  const declared = [...new Set(input.declaredScopes ?? plan.scopes)];
  const missing = plan.scopes.filter((s) => !declared.includes(s));
  if (missing.length > 0) throw missingScopeError(missing, plan, 'The declared scopes leave out scopes parley needs');

  const secret = token.trim();
  const client = createHighLevelClient({
    baseUrl: input.baseUrl,
    auth: { getAccessToken: async () => secret },
    fetch: input.fetch,
    // One retry for a blip; a wrong token is not worth more.
    maxRetries: 1,
    logger: input.logger ?? silentLogger(),
  });
  try {
    await client.call(PROBE_OPERATION, { query: { locationId, limit: 1 }, locationId });
  } catch (error) {
    if (error instanceof HighLevelError) throw probeError(error, locationId, plan);
    throw error;
  }

  const connection = await input.repository.save({
    provider: 'highlevel',
    kind: 'pit',
    accountKey: `location:${locationId}`,
    label: `HighLevel location ${locationId} (Private Integration Token)`,
    userType: 'Location',
    locationId,
    scopes: declared,
    expiresAt: null,
    // HighLevel does not report a PIT's scopes: these are as declared, proven only by the probe.
    settings: { scopesSource: 'declared', probedScope: 'conversations.readonly' },
    secrets: { accessToken: secret },
  });
  const planned = new Set(plan.scopes);
  return { connection, extraScopes: declared.filter((s) => !planned.has(s)) };
}
