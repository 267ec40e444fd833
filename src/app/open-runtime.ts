/**
 * The composition root: every service a process uses, built once, in one order, from the environment,
 * the config file and the effects the caller injects (clock, fetch, randomness, logger). `start`,
 * `serve`, `worker` and every CLI command open parley here; the job side is added by compose-jobs.ts.
 *
 * Each part's own error (ConfigError, StoreError, VaultError, OAuthError) propagates unchanged so the
 * CLI can show it with the same code (src/cli/to-cli-error.ts). Whatever was opened before a failure is
 * closed again, so a failed start leaves no pool or file handle behind.
 */

import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { loadConfig } from '../config/load-config.js';
import { appIdOf } from '../connect/highlevel/oauth-routes.js';
import { createConnectionRepository } from '../credentials/connection-repository.js';
import { createTokenManager, type TokenManager } from '../credentials/token-manager.js';
import type { ConnectionRepository } from '../credentials/types.js';
import { enabledWorkflowsOptions } from '../features/enabled-workflows.js';
import type { FeatureConfig } from '../features/feature-config.js';
import { createLiveWorkflows, type LiveWorkflows } from '../features/live-workflows.js';
import type { HighLevelAuth } from '../highlevel/client-types.js';
import type { HighLevelAppConfig } from '../highlevel/highlevel-settings.js';
import { createHighLevelTokenClient } from '../highlevel/oauth/token-client.js';
import type { HighLevelTokenClient } from '../highlevel/oauth/token-client-types.js';
import type { Logger } from '../lib/create-logger.js';
import { createHighLevelAccess, type HighLevelAccess } from '../ratelimit/highlevel-access.js';
import { createLocalIndex, type LocalIndex } from '../search/local-index.js';
import type { Store } from '../store/open-database.js';
import { SQLITE_FILE_NAME } from '../store/sqlite-dialect.js';
import { loadMasterKey } from '../vault/master-key.js';
import { openVault, type VaultHandle } from '../vault/open-vault.js';
import type { Vault } from '../vault/types.js';
import { createWorkflowStore, type WorkflowStore } from '../workflows/workflow-store.js';
import type { CommandIo } from './command-io.js';
import type { ParleyFileConfig } from './config-types.js';
import { keyFilePath } from './key-file-path.js';
import { loadFileConfig } from './load-file-config.js';
import { type Effects, effectsOf, openStoreRuntime, type StoreRuntime } from './open-store-runtime.js';

export interface Runtime extends StoreRuntime {
  config: ParleyFileConfig;
  vault: VaultHandle;
  repository: ConnectionRepository;
  tokenClient: HighLevelTokenClient;
  tokenManager: TokenManager;
  /** The process's one local conversation index. */
  index: LocalIndex;
  /** The process's one paced, audited HighLevel client: the worker and the console share its rate buckets. */
  highlevel: HighLevelAccess;
  /** The workflows this config runs, with the console's saved ones kept current (live-workflows.ts). */
  workflows: LiveWorkflows;
  /** Where the console saves workflows. */
  workflowStore: WorkflowStore;
}

export async function openRuntime(effects: Effects = {}): Promise<Runtime> {
  const rawEnv = effects.env ?? process.env;
  // The config file first: a bad file ends here, before a database or data directory is made.
  loadConfig(rawEnv);
  const config = await loadFileConfig({
    path: effects.configPath,
    env: rawEnv,
    sandboxUrl: effects.sandboxUrl,
    cwd: effects.cwd,
  });
  const base = await openStoreRuntime(effects);
  try {
    const { env, store, logger } = base;
    const masterKey = await loadMasterKey({ env: rawEnv, keyFile: keyFilePath(env) });
    const vault = await openVault({
      db: store.db,
      masterKey,
      now: effects.now,
      logger: logger.child({ name: 'vault' }),
    });
    const layer = composeConnections({ config, store, vault, logger, fetch: effects.fetch, now: effects.now });
    const { index, highlevel } = composeServices({
      store,
      config,
      auth: layer.tokenManager.tokenSource(),
      logger,
      ...(effects.now ? { now: effects.now } : {}),
      ...(effects.fetch ? { fetch: effects.fetch } : {}),
    });
    const studio = composeWorkflows({ store, config, ...(effects.now ? { now: effects.now } : {}) });
    return { ...base, config, vault, ...layer, index, highlevel, ...studio };
  } catch (error) {
    await base.close();
    throw error;
  }
}

export interface ComposeServicesOptions {
  store: Store;
  config: { highlevel: Pick<HighLevelAppConfig, 'baseUrl' | 'clientId'> };
  /** Tokens per location: the token manager's in a process, a sandbox-issued source in a test world. */
  auth: HighLevelAuth;
  logger: Logger;
  now?: () => number;
  fetch?: typeof fetch;
}

export interface Services {
  index: LocalIndex;
  highlevel: HighLevelAccess;
}

/**
 * The services every face shares, on an open store: the local index and the paced, audited HighLevel
 * client. openRuntime builds them with the token manager's tokens; test worlds build them here with
 * tokens the sandbox issues, so a console or job test runs on the same wiring as `parley start`.
 */
export function composeServices(options: ComposeServicesOptions): Services {
  const { store, config, logger, now } = options;
  const index = createLocalIndex({ db: store.db, dialect: store.dialect, ...(now ? { now } : {}) });
  const highlevel = createHighLevelAccess({
    store,
    auth: options.auth,
    baseUrl: config.highlevel.baseUrl,
    appId: appIdOf(config.highlevel.clientId),
    logger,
    ...(now ? { now } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  return { index, highlevel };
}

/** The live workflow list over the store's saved workflows and what the config enables. */
export function composeWorkflows(options: {
  store: Store;
  config: Pick<FeatureConfig, 'features' | 'workflows' | 'sponsor' | 'events'>;
  now?: () => number;
  checkMs?: number;
}): { workflows: LiveWorkflows; workflowStore: WorkflowStore } {
  const workflowStore = createWorkflowStore(options.store.db, options.now);
  const workflows = createLiveWorkflows({
    store: workflowStore,
    enabled: enabledWorkflowsOptions(options.config),
    ...(options.now ? { now: options.now } : {}),
    ...(options.checkMs !== undefined ? { checkMs: options.checkMs } : {}),
  });
  return { workflows, workflowStore };
}

/** openRuntime with everything a command's io carries. */
export function openRuntimeFor(io: CommandIo): Promise<Runtime> {
  return openRuntime(effectsOf(io));
}

/**
 * openRuntimeFor only if there can be connections to look at: a read-only command such as
 * `parley scopes` must not create a data directory and a database on a fresh checkout. PostgreSQL
 * is always opened (the database exists or the URL is wrong, which the caller should hear about).
 */
export async function openExistingRuntime(io: CommandIo): Promise<Runtime | null> {
  const env = loadConfig(io.env);
  if (env.databaseUrl === undefined) {
    // Resolved as the store resolves it (src/store/sqlite-dialect.ts), against the process's directory.
    const file = join(resolve(env.dataDir), SQLITE_FILE_NAME);
    const exists = await access(file).then(
      () => true,
      () => false,
    );
    if (!exists) return null;
  }
  return openRuntimeFor(io);
}

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

/**
 * The connection layer on an open store and vault. Exported for `parley doctor`, which opens the parts
 * one by one to report on each.
 */
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
