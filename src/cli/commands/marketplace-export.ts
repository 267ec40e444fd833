/**
 * `parley marketplace export --out DIR [--public-url URL]`: the trigger and action catalogs as the
 * files of HighLevel's marketplace CLI (src/marketplace/export/), ready for `ghl app triggers push`
 * and `ghl app actions push` (docs/marketplace.md). The URLs in them are parley's public address:
 * `--public-url`, else the origin of the config's `highlevel.redirectUri`, which HighLevel already
 * reaches for the OAuth callback, as long as that is not this machine alone.
 */
import { resolve, sep } from 'node:path';
import type { Command } from 'commander';
import { type CommandIo, processIo } from '../../app/command-io.js';
import { loadFileConfig } from '../../app/load-file-config.js';
import {
  ACTIONS_DIR,
  checkPublicUrl,
  ExportError,
  SECRET_ENV,
  TRIGGERS_DIR,
} from '../../marketplace/export/marketplace-files.js';
import { writeMarketplaceExport } from '../../marketplace/export/write-export.js';
import { CliError } from '../cli-error.js';

export interface MarketplaceExportOptions {
  out: string;
  publicUrl?: string;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '0.0.0.0']);

export function registerMarketplaceExport(marketplace: Command): void {
  marketplace
    .command('export')
    .description("write parley's workflow triggers and actions as marketplace CLI files (src/modules/workflows/…)")
    .requiredOption('--out <dir>', 'the folder to write into, e.g. the marketplace CLI app folder (with ghl-app.json)')
    .option('--public-url <url>', 'the https address HighLevel reaches parley at, e.g. https://parley.example.com')
    .action(async (options: MarketplaceExportOptions) => {
      await runMarketplaceExport(options, processIo());
    });
}

async function publicUrlOf(options: MarketplaceExportOptions, io: Pick<CommandIo, 'env' | 'cwd'>): Promise<string> {
  if (options.publicUrl !== undefined) return options.publicUrl;
  const config = await loadFileConfig({ env: io.env, ...(io.cwd ? { cwd: io.cwd } : {}) });
  const redirect = new URL(config.highlevel.redirectUri);
  if (LOOPBACK.has(redirect.hostname)) {
    throw new CliError(
      'invalid_option',
      `--public-url is required: the config's highlevel.redirectUri (${redirect.origin}) is this machine only; give the https address HighLevel reaches parley at, e.g. --public-url https://parley.example.com`,
      { exitCode: 2 },
    );
  }
  return redirect.origin;
}

export async function runMarketplaceExport(
  options: MarketplaceExportOptions,
  io: Pick<CommandIo, 'env' | 'cwd' | 'write'>,
): Promise<string[]> {
  const out = resolve(io.cwd ?? process.cwd(), options.out);
  let written: string[];
  let base: string;
  try {
    base = checkPublicUrl(await publicUrlOf(options, io));
    written = await writeMarketplaceExport(out, { publicUrl: base });
  } catch (error) {
    if (error instanceof ExportError)
      throw new CliError('invalid_option', `--public-url: ${error.message}`, { exitCode: 2 });
    throw error;
  }
  const triggers = written.filter((path) => path.split(sep).join('/').includes(TRIGGERS_DIR)).length;
  io.write(
    [
      `wrote ${triggers} trigger(s) and ${written.length - triggers} action(s) for ${base}:`,
      ...written.map((path) => `  ${path}`),
      '',
      `In the marketplace CLI app folder: export ${SECRET_ENV}='<the marketplace secret>', then`,
      '  ghl app triggers validate && ghl app actions validate && ghl app triggers push && ghl app actions push',
      `(actions are under ${ACTIONS_DIR}; docs/marketplace.md has the whole procedure)`,
      '',
    ].join('\n'),
  );
  return written;
}
