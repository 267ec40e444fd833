/**
 * The connection layer on an open store and vault: repository, HighLevel token client and token
 * manager, wired one way for openRuntime and for `parley doctor` (which opens the parts one by one
 * to report on each).
 */
import type { ParleyFileConfig } from '../config/config-types.js';
import { createConnectionRepository } from '../credentials/connection-repository.js';
import { createTokenManager, type TokenManager } from '../credentials/token-manager.js';
import type { ConnectionRepository } from '../credentials/types.js';
import { createHighLevelTokenClient } from '../highlevel/oauth/token-client.js';
import type { HighLevelTokenClient } from '../highlevel/oauth/token-client-types.js';
import type { Logger } from '../lib/create-logger.js';
import type { Store } from '../store/open-database.js';
import type { Vault } from '../vault/types.js';

export interface ComposeConnectionsOptions {
  config: ParleyFileConfig;
  store: Store;
  vault: Vault;
  logger: Logger;
  fetch?: typeof fetch;
  now?: () => number;
}

export interface ConnectionLayer {
  repository: ConnectionRepository;
  tokenClient: HighLevelTokenClient;
  tokenManager: TokenManager;
}

export function composeConnections(options: ComposeConnectionsOptions): ConnectionLayer {
  const { config, store, vault, logger, now } = options;
  const repository = createConnectionRepository({ db: store.db, vault, now, target: config.highlevel.target });
  const tokenClient = createHighLevelTokenClient({
    baseUrl: config.highlevel.baseUrl,
    clientId: config.highlevel.clientId,
    clientSecret: config.highlevel.clientSecret,
    fetch: options.fetch,
  });
  const tokenManager = createTokenManager({
    store,
    repository,
    tokenClient,
    now,
    marginMs: config.refresh.marginSeconds * 1000,
    logger: logger.child({ name: 'token-manager' }),
  });
  return { repository, tokenClient, tokenManager };
}
