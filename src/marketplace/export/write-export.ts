/**
 * `parley marketplace export --out DIR`: writes marketplace-files.ts's files under DIR, which may be the
 * folder of a marketplace CLI app (the one with `ghl-app.json`): parley writes only its own trigger and
 * action files there, creating the folders, and leaves everything else as it is.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type ExportOptions, marketplaceFiles } from './marketplace-files.js';

export async function writeMarketplaceExport(outDir: string, options: ExportOptions): Promise<string[]> {
  const files = marketplaceFiles(options);
  const written: string[] = [];
  for (const [relative, content] of files) {
    const path = join(outDir, ...relative.split('/'));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
    written.push(path);
  }
  return written;
}
