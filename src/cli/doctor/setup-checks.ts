/**
 * The checks before any connection: environment, config file, master key, store, vault. Each opens
 * its part and keeps it for the next, so doctor reports the first broken link and what depends on it.
 */
import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CommandIo } from '../../app/command-io.js';
import type { ParleyFileConfig } from '../../app/config-types.js';
import { keyFilePath } from '../../app/key-file-path.js';
import { DEFAULT_CONFIG_FILE, loadFileConfig } from '../../app/load-file-config.js';
import { loadConfig, type ParleyConfig } from '../../config/load-config.js';
import type { Logger } from '../../lib/create-logger.js';
import { fixFor } from '../../lib/error-fixes.js';
import { openDatabase, type Store } from '../../store/open-database.js';
import { loadMasterKey, MASTER_KEY_ENV } from '../../vault/master-key.js';
import { openVault, type VaultHandle } from '../../vault/open-vault.js';
import { type CheckResult, describeError, fail, ok } from './check-result.js';
import { fileModeCheck } from './file-mode-checks.js';
import { sessionChecks } from './session-checks.js';
import { sponsorChecks } from './sponsor-checks.js';
import { workflowChecks } from './workflow-checks.js';

export interface SetupParts {
  env?: ParleyConfig;
  config?: ParleyFileConfig;
  masterKey?: Buffer;
  store?: Store;
  vault?: VaultHandle;
}

export async function runSetupChecks(
  io: CommandIo,
  logger: Logger,
  report: (result: CheckResult) => void,
): Promise<SetupParts> {
  const parts: SetupParts = {};
  const failed = (name: string, error: unknown): void => {
    const { code, message } = describeError(error);
    report(fail(name, message, fixFor(code) ?? 'see the message above'));
  };

  try {
    parts.env = loadConfig(io.env);
    const where = parts.env.databaseUrl === undefined ? `SQLite in ${parts.env.dataDir}` : 'PostgreSQL (DATABASE_URL)';
    report(ok('environment', `valid; store: ${where}`));
  } catch (error) {
    failed('environment', error);
    return parts;
  }

  try {
    parts.config = await loadFileConfig({ env: io.env, cwd: io.cwd, sandboxUrl: io.sandboxUrl });
    const file = parts.env.configFile ?? DEFAULT_CONFIG_FILE;
    const found = await access(resolve(io.cwd ?? process.cwd(), file)).then(
      () => `${file} parses`,
      () => `no ${file}, defaults apply`,
    );
    const hl = parts.config.highlevel;
    const features = parts.config.features.join(', ');
    report(ok('config', `${found}; HighLevel ${hl.target} at ${hl.baseUrl}; features ${features}`));
  } catch (error) {
    failed('config', error);
  }
  if (parts.config) for (const result of await workflowChecks(parts.config)) report(result);
  if (parts.config) for (const result of sponsorChecks(parts.config)) report(result);
  if (parts.config) for (const result of sessionChecks(parts.config)) report(result);

  try {
    parts.masterKey = await loadMasterKey({ env: io.env, keyFile: keyFilePath(parts.env) });
    const source = io.env[MASTER_KEY_ENV]?.trim() ? MASTER_KEY_ENV : keyFilePath(parts.env);
    report(ok('master key', `present (${source})`));
  } catch (error) {
    failed('master key', error);
  }

  try {
    parts.store = await openDatabase({ databaseUrl: parts.env.databaseUrl, dataDir: parts.env.dataDir, logger });
    report(ok('store', `${parts.store.dialect} reachable, migrations applied`));
  } catch (error) {
    failed('store', error);
    return parts;
  }
  report(await fileModeCheck(parts.env));

  if (parts.masterKey !== undefined) {
    try {
      parts.vault = await openVault({ db: parts.store.db, masterKey: parts.masterKey, now: io.now, logger });
      report(
        ok(
          'vault',
          parts.vault.initialised ? 'initialised with this master key now' : 'the master key matches this database',
        ),
      );
    } catch (error) {
      failed('vault', error);
    }
  }
  return parts;
}
