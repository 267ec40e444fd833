/**
 * What parley does with HighLevel's INSTALL and UNINSTALL webhooks (docs/webhook events/AppInstall.md
 * and AppUninstall.md in https://github.com/GoHighLevel/highlevel-api-docs), modelled on the official
 * SDK's lib/webhook/webhook-manager.ts (https://github.com/GoHighLevel/highlevel-api-sdk):
 * - INSTALL for a location: mint a location token from the stored agency connection of `companyId`
 *   and save it. An agency-level INSTALL (no `locationId`) or an unknown company has nothing to mint
 *   with: logged, answered 200.
 * - UNINSTALL: the SDK deletes the session; parley keeps the record (its history and ids matter) and
 *   marks it `disabled` with the reason, so the token manager stops using and refreshing it. An agency
 *   UNINSTALL disables the agency connection and every location token it minted.
 *
 * HighLevel retries a webhook only when the answer is 429
 * (https://help.gohighlevel.com/support/solutions/articles/155000007071-automated-webhook-retries),
 * so a failure worth retrying (HighLevel or our store briefly unavailable) answers 429; anything else
 * is final and answers 200.
 */

import { mintLocationConnection } from '../../credentials/mint-location-token.js';
import type { Connection, ConnectionRepository } from '../../credentials/types.js';
import { OAuthError } from '../../highlevel/oauth/oauth-error.js';
import type { HighLevelTokenClient } from '../../highlevel/oauth/token-client-types.js';
import type { Logger } from '../../lib/create-logger.js';

export const UNINSTALLED_REASON = 'uninstalled in HighLevel';

export interface InstallEventDeps {
  repository: ConnectionRepository;
  tokenClient: HighLevelTokenClient;
  now: () => number;
  logger: Logger;
  /** A valid access token of an agency connection (the token manager's, so an expired one is refreshed first). */
  agencyAccessToken: (agency: Connection) => Promise<string>;
  /**
   * Called for each location an UNINSTALL removes the app from, whatever connection parley holds for
   * it (the marketplace removes the location's workflow-trigger subscriptions, src/marketplace/subscriptions.ts).
   */
  onLocationUninstalled?: (locationId: string) => Promise<void>;
}

export interface EventAnswer {
  status: number;
  body: Record<string, unknown>;
}

const field = (payload: Record<string, unknown>, name: string) =>
  typeof payload[name] === 'string' && payload[name] !== '' ? (payload[name] as string) : null;

const nothingToDo = (reason: string): EventAnswer => ({
  status: 200,
  body: { accepted: true, action: 'none', reason },
});

/** Connections an app install owns; a Private Integration Token is the user's and outlives the app. */
const OWNED_BY_APP = new Set(['oauth', 'location_token']);

export async function handleInstallEvent(
  payload: Record<string, unknown>,
  deps: InstallEventDeps,
): Promise<EventAnswer> {
  const locationId = field(payload, 'locationId');
  const companyId = field(payload, 'companyId');
  if (!locationId) return nothingToDo('agency-level install: connect the agency through OAuth to get its token');
  if (!companyId) return nothingToDo('INSTALL without companyId: no agency to mint a location token with');

  const existing = await deps.repository.findByAccountKey(`location:${locationId}`);
  if (existing && existing.status === 'ok' && existing.kind !== 'location_token') {
    return nothingToDo(`location ${locationId} already has a working ${existing.kind} connection`);
  }
  const agency = await deps.repository.findByAccountKey(`company:${companyId}`);
  if (agency?.status !== 'ok') {
    deps.logger.info({ companyId, locationId }, 'INSTALL for a company without a working agency connection; ignored');
    return nothingToDo(`no working agency connection for company ${companyId}`);
  }
  try {
    const connection = await mintLocationConnection({
      agency,
      agencyAccessToken: await deps.agencyAccessToken(agency),
      locationId,
      repository: deps.repository,
      tokenClient: deps.tokenClient,
      now: deps.now,
    });
    deps.logger.info({ companyId, locationId, connectionId: connection.id }, 'INSTALL: location token saved');
    return { status: 200, body: { accepted: true, action: 'location_token_saved', connectionId: connection.id } };
  } catch (error) {
    if (error instanceof OAuthError && !error.transient) {
      deps.logger.warn({ companyId, locationId, code: error.code }, 'INSTALL: HighLevel refused the location token');
      return { status: 200, body: { accepted: true, action: 'failed', reason: error.code } };
    }
    deps.logger.error(
      { companyId, locationId, err: error },
      'INSTALL: could not save a location token; asking for a retry',
    );
    return { status: 429, body: { error: 'retry_later' } };
  }
}

export async function handleUninstallEvent(
  payload: Record<string, unknown>,
  deps: Pick<InstallEventDeps, 'repository' | 'logger' | 'onLocationUninstalled'>,
): Promise<EventAnswer> {
  const locationId = field(payload, 'locationId');
  const companyId = field(payload, 'companyId');
  const targets: Connection[] = [];
  if (locationId) {
    const connection = await deps.repository.findByAccountKey(`location:${locationId}`);
    if (connection && OWNED_BY_APP.has(connection.kind)) targets.push(connection);
  } else if (companyId) {
    const agency = await deps.repository.findByAccountKey(`company:${companyId}`);
    if (agency) {
      const children = (await deps.repository.list({ provider: 'highlevel' })).filter((c) => c.parentId === agency.id);
      targets.push(agency, ...children);
    }
  }
  // The app left the location whatever connection parley holds for it (a Private Integration Token stays).
  if (locationId) await deps.onLocationUninstalled?.(locationId);
  if (targets.length === 0) return nothingToDo('no app connection for this location or company');
  for (const connection of targets) {
    await deps.repository.setStatus(connection.id, 'disabled', UNINSTALLED_REASON);
    if (connection.locationId !== null && connection.locationId !== locationId) {
      await deps.onLocationUninstalled?.(connection.locationId);
    }
  }
  const connectionIds = targets.map((c) => c.id);
  deps.logger.info({ locationId, companyId, connectionIds }, 'UNINSTALL: connections disabled');
  return { status: 200, body: { accepted: true, action: 'disabled', connectionIds } };
}
