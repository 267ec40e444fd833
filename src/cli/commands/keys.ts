/**
 * `parley keys rotate`: online rotation of the vault's data key (docs/operations.md). A new data
 * key becomes active and every stored secret is re-encrypted under it while parley keeps running;
 * old keys stay readable. `--master-key-file <path>` rotates the master key instead: every data key
 * is re-wrapped under the key in that file (created with mode 0600 if missing) in one transaction.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CommandIo } from '../../app/command-io.js';
import { keyFilePath } from '../../app/key-file-path.js';
import { withStoreRuntime } from '../../app/open-store-runtime.js';
import { loadConfig } from '../../config/load-config.js';
import { createKeyFile, loadMasterKey, MASTER_KEY_ENV } from '../../vault/master-key.js';
import { openVault, type PassEvent, type RotationReport, type VaultHandle } from '../../vault/open-vault.js';
import { CliError } from '../cli-error.js';
import { withCliErrors } from '../to-cli-error.js';

export interface KeysRotateOptions {
  masterKeyFile?: string;
}

export function register(program: Command): void {
  const keys = program.command('keys').description('manage the vault keys');
  keys
    .command('rotate')
    .description('rotate the data key and re-encrypt every stored secret online (old keys stay readable)')
    .option('--master-key-file <path>', 'rotate the master key instead, to the key in this file (created if missing)')
    .action(async function (this: Command, options: KeysRotateOptions) {
      const output = this.configureOutput();
      const write = output.writeOut ?? ((text: string) => process.stdout.write(text));
      await runKeysRotate(options, { env: process.env, write });
    });
}

export async function runKeysRotate(options: KeysRotateOptions, io: CommandIo): Promise<void> {
  await withCliErrors(async () => {
    const config = loadConfig(io.env);
    const keyFile = resolve(keyFilePath(config));
    const keyFromEnv = (io.env[MASTER_KEY_ENV] ?? '').trim() !== '';
    const current = keyFromEnv ? MASTER_KEY_ENV : keyFile;
    const newKeyFile = options.masterKeyFile === undefined ? undefined : resolve(options.masterKeyFile);
    if (newKeyFile === keyFile) {
      throw new CliError(
        'invalid_argument',
        `--master-key-file must name a new key file, not the one in use (${keyFile})`,
        { exitCode: 2 },
      );
    }
    const masterKey = await loadMasterKey({ env: io.env, keyFile });
    await withStoreRuntime(io, async ({ store, logger }) => {
      const vault = await openVault({ db: store.db, masterKey, logger: logger.child({ name: 'vault' }) });
      if (newKeyFile === undefined) await rotateDataKey(vault, io);
      else await rotateMasterKey(vault, newKeyFile, current, io);
    });
  });
}

async function rotateDataKey(vault: VaultHandle, io: CommandIo): Promise<void> {
  io.write(`Rotating the vault data key (was ${await vault.currentKeyId()})\n`);
  const report = await vault.rotate({ onPass: (event) => io.write(describePass(event)) });
  io.write(describeReport(report));
  if (report.failures.length > 0 || report.remaining > 0 || report.supersededBy !== undefined) {
    throw new CliError(
      'rotation_incomplete',
      'the rotation did not finish cleanly (see above); old keys stay readable, run `parley keys rotate` again',
    );
  }
}

function describePass(event: PassEvent): string {
  const head = `  pass ${event.pass}: `;
  const body =
    event.found === 0
      ? 'nothing left under old keys'
      : `re-encrypted ${event.reencrypted} of ${event.found} values under ${event.newKeyId}` +
        (event.changed > 0 ? `; ${event.changed} changed meanwhile (next pass)` : '') +
        (event.failed > 0 ? `; ${event.failed} could not be decrypted` : '');
  const wait =
    event.waitMs > 0
      ? `; waiting ${(event.waitMs / 1000).toFixed(1)} s for running parley processes to switch to ${event.newKeyId}`
      : '';
  return `${head}${body}${wait}\n`;
}

function describeReport(report: RotationReport): string {
  const lines = [
    `New data key ${report.newKeyId} is active; retired ${report.retiredKeyIds.join(', ') || 'none'} (still readable).`,
    `Re-encrypted ${report.reencrypted} values in ${report.passes} passes; ${report.remaining} remain under old keys.`,
  ];
  if (report.supersededBy !== undefined) {
    lines.push(`Another rotation made ${report.supersededBy} active meanwhile and finishes the re-encryption.`);
  }
  for (const failure of report.failures) {
    lines.push(
      `  could not re-encrypt ${failure.table}.${failure.field} of record ${failure.recordId}: ${failure.code} ` +
        '(left as it was; reconnect that account)',
    );
  }
  return `${lines.join('\n')}\n`;
}

async function rotateMasterKey(vault: VaultHandle, newKeyFile: string, current: string, io: CommandIo): Promise<void> {
  const created = !existsSync(newKeyFile);
  if (created) await createKeyFile(newKeyFile);
  const newMasterKey = await loadMasterKey({ env: {}, keyFile: newKeyFile });
  const report = await vault.rotate({ newMasterKey });
  const replace =
    current === MASTER_KEY_ENV
      ? `set ${MASTER_KEY_ENV} to the content of ${newKeyFile}`
      : `mv ${newKeyFile} ${current}`;
  io.write(
    [
      `Master key rotated to ${newKeyFile}${created ? ' (new, mode 0600)' : ''}: ${report.rewrappedKeys} data keys re-wrapped, key check rewritten.`,
      `Next: ${replace}, then restart every parley process. The old master key no longer opens this database;`,
      'processes still running on it keep working only until they need a data key they have not loaded.',
      `Back up ${newKeyFile} (or its content) now, apart from database backups.`,
      '',
    ].join('\n'),
  );
}
