/**
 * GET /console/assets/:file — the console's stylesheet and script. Only files present in ./assets
 * when the app starts are served (an allow-list read once), so no request path, encoded or not,
 * can reach outside that folder. `no-cache` makes browsers revalidate after an upgrade.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

const ASSETS_DIR = fileURLToPath(new URL('./assets/', import.meta.url));

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

interface Asset {
  body: Buffer;
  contentType: string;
}

/** Reads every servable file in the folder once; files of unknown type are left out. */
export function loadAssets(dir: string = ASSETS_DIR): ReadonlyMap<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const contentType = CONTENT_TYPES[extname(entry.name).toLowerCase()];
    if (!entry.isFile() || contentType === undefined) continue;
    assets.set(entry.name, { body: readFileSync(join(dir, entry.name)), contentType });
  }
  return assets;
}

export function registerAssetRoute(app: FastifyInstance, assets: ReadonlyMap<string, Asset> = loadAssets()): void {
  app.get<{ Params: { file: string } }>('/console/assets/:file', async (request, reply) => {
    // A lookup by exact name: '..', '%2f' and friends are simply names that are not in the map.
    const asset = assets.get(request.params.file);
    if (asset === undefined) {
      return reply.code(404).type('text/plain; charset=utf-8').send('no such console asset');
    }
    return reply.type(asset.contentType).header('cache-control', 'no-cache').send(asset.body);
  });
}
