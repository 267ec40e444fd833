/**
 * A TypeScript entry point for a child process, compiled once to one .mjs file that imports parley's
 * modules from dist/ (rebuilt first when src/ changed, scripts/build.mjs --if-stale), so the child starts
 * on plain node. Starting it with `node --import tsx` costs about a second more per start on this
 * 2-core machine (tsx's loader thread resolves and compiles ~500 modules): tests that start many
 * children (the crash test starts 22) compile them here. dist/ is the same code transpiled by the same
 * esbuild that tsx uses (docs/building.md). The bench's memory scenario compiles its child here too.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SRC = join(ROOT, 'src/');
const DIST = join(ROOT, 'dist/');

/** Compiles `entry` (an absolute path to a .ts file) into a new temporary directory; returns the .mjs path. */
export async function compileChild(entry: string): Promise<string> {
  const built = spawnSync(process.execPath, [join(ROOT, 'scripts/build.mjs'), '--if-stale'], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`scripts/build.mjs --if-stale failed: ${built.stderr}`);
  const dir = await mkdtemp(join(tmpdir(), 'parley-child-'));
  const outfile = join(dir, basename(entry).replace(/\.ts$/, '.mjs'));
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'error',
    plugins: [
      {
        name: 'src-to-dist',
        setup(esbuild) {
          esbuild.onResolve({ filter: /\/src\// }, (args) => {
            const path = resolve(args.resolveDir, args.path);
            if (!path.startsWith(SRC)) return undefined;
            return { path: pathToFileURL(DIST + path.slice(SRC.length).replace(/\.ts$/, '.js')).href, external: true };
          });
        },
      },
    ],
  });
  return outfile;
}
