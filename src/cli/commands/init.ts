/**
 * `parley init`: first-time setup. Creates the data directory (0700) and the master key file
 * (0600, never overwritten), migrates the database, and initialises the vault: first data key
 * and key check. With PARLEY_MASTER_KEY set no key file is written; the store and vault are opened
 * with that key, which also verifies it against an already initialised database.
 *
 * The database is opened before the key file is written, so a database that is unreachable, or
 * already initialised with a key that is not here, leaves no useless new key file behind.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { CommandIo } from '../../app/command-io.js';
import { keyFilePath } from '../../app/key-file-path.js';
import { withStoreRuntime } from '../../app/open-store-runtime.js';
import { loadConfig } from '../../config/load-config.js';
import type { Store } from '../../store/open-database.js';
import { redactDatabaseUrl } from '../../store/redact-database-url.js';
import { SQLITE_FILE_NAME } from '../../store/sqlite-dialect.js';
import { createKeyFile, loadMasterKey, MASTER_KEY_ENV } from '../../vault/master-key.js';
import { isVaultInitialised, openVault } from '../../vault/open-vault.js';
import { CliError } from '../cli-error.js';
import { withCliErrors } from '../to-cli-error.js';

export function register(program: Command): void {
  program
    .command('init')
    .description('first-time setup: data directory, master key file (mode 0600), database and vault')
    .action(async function (this: Command) {
      const output = this.configureOutput();
      const write = output.writeOut ?? ((text: string) => process.stdout.write(text));
      await runInit({ env: process.env, write });
    });
}

export async function runInit(io: CommandIo): Promise<void> {
  await withCliErrors(async () => {
    const config = loadConfig(io.env);
    const dataDir = resolve(config.dataDir);
    const keyFile = resolve(keyFilePath(config));
    const keyFromEnv = (io.env[MASTER_KEY_ENV] ?? '').trim() !== '';
    if (!keyFromEnv && existsSync(keyFile)) {
      throw new CliError(
        'already_initialised',
        `parley is already initialised here: the master key file ${keyFile} exists, and \`parley init\` ` +
          'never replaces it. Start parley with `parley start`; rotate keys with `parley keys rotate`',
      );
    }
    const dataDirExisted = existsSync(dataDir);
    // 0700 as the store makes it: the directory holds the key file and, on SQLite, the ciphertext.
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    await withStoreRuntime(io, async ({ store, logger }) => {
      if (!keyFromEnv) {
        if (await isVaultInitialised(store.db)) {
          throw new CliError(
            'missing_master_key',
            `this database was initialised with a master key that is not here: there is no key file at ${keyFile} ` +
              `and ${MASTER_KEY_ENV} is not set. Restore the original key file to ${keyFile} (mode 0600) or set ` +
              `${MASTER_KEY_ENV}; a new key could not read the secrets already stored`,
          );
        }
        await createKeyFile(keyFile);
      }
      const masterKey = await loadMasterKey({ env: io.env, keyFile });
      const vault = await openVault({ db: store.db, masterKey, logger: logger.child({ name: 'vault' }) });
      const kid = await vault.currentKeyId();
      io.write(
        [
          'parley init',
          `  data directory  ${dataDir}${dataDirExisted ? '' : ' (created, mode 0700)'}`,
          `  database        ${describeStore(store, dataDir, config.databaseUrl)} (migrated)`,
          `  master key      ${keyFromEnv ? `from ${MASTER_KEY_ENV}; no key file written` : `${keyFile} (new, mode 0600)`}`,
          `  vault           ${vault.initialised ? `initialised: data key ${kid} active, key check stored` : `already initialised; the master key matches (data key ${kid} active)`}`,
          '',
          keyFromEnv
            ? `Keep a copy of ${MASTER_KEY_ENV} somewhere safe and apart from database backups: without it the stored credentials cannot be decrypted.`
            : `Back up ${keyFile} now, and keep the copy apart from database backups: without it the stored credentials cannot be decrypted, and anyone holding both can decrypt them.`,
          '',
        ].join('\n'),
      );
    });
  });
}

function describeStore(store: Store, dataDir: string, databaseUrl: string | undefined): string {
  return store.dialect === 'sqlite'
    ? `sqlite at ${join(dataDir, SQLITE_FILE_NAME)}`
    : `postgres at ${redactDatabaseUrl(databaseUrl ?? '')}`;
}
