/**
 * Everything a CLI command needs, composed once in one order: env config, file config, store,
 * master key and vault, connection repository, HighLevel token client, token manager. Each part's
 * own error (ConfigError, StoreError, VaultError, OAuthError) propagates unchanged so the command
 * layer can turn it into a CliError with the same code (see to-cli-error.ts). Whatever was opened
 * before a failure is closed again, so a failed start leaves no pool or file handle behind.
 */
import type { ParleyFileConfig } from '../config/config-types.js';
import { loadConfig, type ParleyConfig } from '../config/load-config.js';
import { loadFileConfig } from '../config/load-file-config.js';
import type { TokenManager } from '../credentials/token-manager.js';
import type { ConnectionRepository } from '../credentials/types.js';
import type { HighLevelTokenClient } from '../highlevel/oauth/token-client-types.js';
import { createLogger, type Logger } from '../lib/create-logger.js';
import { openDatabase, type Store } from '../store/open-database.js';
import { loadMasterKey } from '../vault/master-key.js';
import { openVault, type VaultHandle } from '../vault/open-vault.js';
import { composeConnections } from './compose-connections.js';
import { keyFilePath } from './key-file-path.js';

export interface OpenRuntimeOptions {
  /** Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Overrides PARLEY_CONFIG. */
  configPath?: string;
  /** Where a relative config path (and the default file) is looked up. Default process.cwd(). */
  cwd?: string;
  /** The built-in sandbox's URL when it is not on 127.0.0.1:PARLEY_SANDBOX_PORT. */
  sandboxUrl?: string;
  /** Default: pino to stderr (stdout is the command's answer) at LOG_LEVEL or `warn`. */
  logger?: Logger;
  /** Used by the token client; default global fetch. */
  fetch?: typeof fetch;
  /** Clock, epoch ms; passed to the vault, repository and token manager. */
  now?: () => number;
}

export interface Runtime {
  env: ParleyConfig;
  config: ParleyFileConfig;
  store: Store;
  vault: VaultHandle;
  repository: ConnectionRepository;
  tokenClient: HighLevelTokenClient;
  tokenManager: TokenManager;
  logger: Logger;
  /** Closes the store. Safe to call more than once. */
  close(): Promise<void>;
}

export async function openRuntime(options: OpenRuntimeOptions = {}): Promise<Runtime> {
  const rawEnv = options.env ?? process.env;
  const env = loadConfig(rawEnv);
  const config = await loadFileConfig({
    path: options.configPath,
    env: rawEnv,
    sandboxUrl: options.sandboxUrl,
    cwd: options.cwd,
  });
  const logger =
    options.logger ?? createLogger({ level: rawEnv.LOG_LEVEL ?? 'warn', destination: process.stderr, name: 'parley' });

  const store = await openDatabase({ databaseUrl: env.databaseUrl, dataDir: env.dataDir, logger });
  try {
    const masterKey = await loadMasterKey({ env: rawEnv, keyFile: keyFilePath(env) });
    const vault = await openVault({
      db: store.db,
      masterKey,
      now: options.now,
      logger: logger.child({ name: 'vault' }),
    });
    const layer = composeConnections({ config, store, vault, logger, fetch: options.fetch, now: options.now });
    return { env, config, store, vault, ...layer, logger, close: () => store.close() };
  } catch (error) {
    await store.close();
    throw error;
  }
}
