/**
 * The admin connections view: every connected account with its status, the
 * scopes it was granted against the scopes the enabled features need, and how to reconnect it.
 * Built from the repository's records, which hold no secrets (src/credentials/types.ts), so no
 * token can reach the API or the page.
 */

import { type ConnectionView, toConnectionView } from '../../credentials/connection-view.js';
import type { Connection, ConnectionRepository } from '../../credentials/types.js';
import type { FeatureName } from '../../features/feature-names.js';
import { compareConnectionScopes, type PlanOptions, planScopes } from '../../features/scope-planner.js';

/** How to renew a connection: HighLevel OAuth through the browser, the rest from the CLI. */
export type ReconnectHint = { url: string; command?: undefined } | { command: string; url?: undefined };

export interface ConnectionStatus extends ConnectionView {
  /** The scopes the enabled features need for this kind of grant; empty for Accelevents. */
  neededScopes: string[];
  missingScopes: { scope: string; features: string[] }[];
  reconnect: ReconnectHint;
}

export interface ConnectionStatusOptions {
  repository: ConnectionRepository;
  features: readonly FeatureName[];
  /** The config's own workflow files, whose calls need scopes too. */
  planOptions?: Omit<PlanOptions, 'userType'>;
  /** `config.refresh.marginSeconds` in ms: a token expiring sooner shows as `expiring`. */
  refreshMarginMs: number;
  now: number;
}

/** Where the browser starts HighLevel OAuth (src/connect/highlevel/oauth-routes.ts). */
export const HIGHLEVEL_OAUTH_START = '/oauth/highlevel/start';

export async function listConnectionStatus(options: ConnectionStatusOptions): Promise<ConnectionStatus[]> {
  const connections = await options.repository.list();
  return connections.map((connection) => {
    const comparison = compareConnectionScopes(connection, options.features, {
      ...options.planOptions,
    });
    return {
      ...toConnectionView(connection, options.now, options.refreshMarginMs),
      neededScopes:
        connection.provider === 'highlevel'
          ? planScopes(options.features, { ...options.planOptions, userType: connection.userType }).scopes
          : [],
      missingScopes: comparison?.missing.map((m) => ({ scope: m.scope, features: [...m.features] })) ?? [],
      reconnect: reconnectHint(connection),
    };
  });
}

/** The exact syntax of `parley connect …` (src/cli/commands/connect-highlevel.ts, connect-accelevents.ts). */
export function reconnectHint(
  connection: Pick<Connection, 'provider' | 'kind' | 'locationId' | 'accountKey'>,
): ReconnectHint {
  if (connection.provider === 'accelevents') {
    // The key is never a command-line argument (it would land in shell history), hence --key-file.
    const baseUrl = connection.accountKey.replace(/^accelevents:/, '');
    return { command: `parley connect accelevents --base-url ${baseUrl} --key-file <path>` };
  }
  if (connection.kind === 'pit') {
    const location = connection.locationId ?? '<locationId>';
    return { command: `parley connect highlevel --pit --location ${location} --token-file <path>` };
  }
  // oauth and location_token: a location token is minted again from its agency's OAuth grant.
  return { url: HIGHLEVEL_OAUTH_START };
}
