#!/usr/bin/env node
/**
 * Builds dist/ from src/: every .ts file transpiled on its own by esbuild (no bundle, same layout, so the
 * relative `.js` imports and the `new URL('./x', import.meta.url)` asset lookups work unchanged), and every
 * other file under src/ (liquid templates, console assets, generated OpenAPI JSON) copied beside it.
 * Typechecking stays `npm run typecheck`; esbuild only strips types (https://esbuild.github.io/content-types/#typescript).
 *
 * dist/build-info.json holds a fingerprint of the sources (path, size and mtime of every file under src/,
 * plus this script and tsconfig.json). bin/parley.js compares it on every call (`sourceFingerprint`), so
 * this file stays plain JavaScript with no imports beyond node: until a build actually runs.
 *
 * Run: `node scripts/build.mjs` (npm's `prepare` runs it on `npm ci`); `--if-stale` builds only when the
 * fingerprint differs.
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const SRC = join(ROOT, 'src');
export const DIST = join(ROOT, 'dist');
export const STAMP = join(DIST, 'build-info.json');
const LOCK = join(DIST, '.build-lock');
// Files outside src/ that change what a build produces.
const BUILD_INPUTS = [fileURLToPath(import.meta.url), join(ROOT, 'tsconfig.json')];

function walk(dir, into) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, into);
    else if (entry.isFile()) into.push(path);
  }
  return into;
}

function fileKey(stat) {
  return `${stat.size}:${stat.mtimeMs}`;
}

/**
 * A hash of every source file's path, size and mtime: an edit, a new file, a deleted or renamed one all
 * change it. Stats only, no reads, because bin/parley.js runs it on every call. `keys` (path → size:mtime
 * under src/) lets the next build transpile only what changed.
 */
export function sourceFingerprint(files = walk(SRC, [])) {
  const hash = createHash('sha1');
  const keys = {};
  let newest = 0;
  for (const path of [...files, ...BUILD_INPUTS]) {
    const stat = statSync(path);
    if (stat.mtimeMs > newest) newest = stat.mtimeMs;
    const rel = relative(ROOT, path);
    keys[rel] = fileKey(stat);
    hash.update(`${rel}\0${keys[rel]}\n`);
  }
  return {
    fingerprint: hash.digest('hex'),
    newestSourceMtime: new Date(newest).toISOString(),
    files: files.length,
    keys,
  };
}

/** The stamp of the current dist/, or null when there is none (never built, or a build was interrupted). */
export function readStamp() {
  try {
    return JSON.parse(readFileSync(STAMP, 'utf8'));
  } catch {
    return null;
  }
}

/** 'fresh', 'missing' (no stamp) or 'stale' (sources changed since the stamp). */
export function distState() {
  const stamp = readStamp();
  if (!stamp) return 'missing';
  return stamp.fingerprint === sourceFingerprint().fingerprint ? 'fresh' : 'stale';
}

// Several processes may find dist/ stale at once (parallel tests spawning bin/parley.js): one builds,
// the others wait for it and then find the stamp fresh. A lock older than a minute is a crashed build.
async function withLock(fn) {
  mkdirSync(DIST, { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > 60_000) rmSync(LOCK, { recursive: true, force: true });
      } catch {}
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  try {
    return await fn();
  } finally {
    rmdirSync(LOCK);
  }
}

// Write through a temporary file and rename, so a process importing from dist/ while a build runs reads
// either the old file or the new one, never half of one; unchanged files are left alone.
function writeIfChanged(path, contents) {
  try {
    const old = readFileSync(path);
    if (old.equals(contents)) return false;
  } catch {}
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, path);
  return true;
}

/**
 * Builds dist/ unless (with `ifStale`) its stamp already matches the sources. Returns what it did:
 * `{ built: false }`, or `{ built: true, ms, transpiled, written, removed }`.
 */
export async function build({ ifStale = false } = {}) {
  return withLock(async () => {
    const files = walk(SRC, []);
    const source = sourceFingerprint(files);
    const previous = readStamp();
    if (ifStale && previous?.fingerprint === source.fingerprint) return { built: false };
    const started = performance.now();
    const { build: esbuild } = await import('esbuild');
    // With the build script and tsconfig unchanged, a file whose size and mtime match the last build's
    // (and whose output is still there) keeps its output: a rebuild after an edit transpiles one file.
    const sameInputs = BUILD_INPUTS.every((path) => {
      const rel = relative(ROOT, path);
      return previous?.keys?.[rel] === source.keys[rel];
    });
    const outputOf = (file) => join(DIST, relative(SRC, file)).replace(/\.ts$/, '.js');
    const unchanged = (file) => {
      const rel = relative(ROOT, file);
      return sameInputs && previous?.keys?.[rel] === source.keys[rel] && existsSync(outputOf(file));
    };
    const scripts = files.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'));
    const entryPoints = scripts.filter((file) => !unchanged(file));
    const result =
      entryPoints.length === 0
        ? { outputFiles: [] }
        : await esbuild({
            entryPoints,
            outbase: SRC,
            outdir: DIST,
            format: 'esm',
            platform: 'node',
            target: 'node20',
            sourcemap: 'linked',
            sourcesContent: false,
            write: false,
            logLevel: 'error',
            tsconfig: join(ROOT, 'tsconfig.json'),
          });
    const outputs = new Map(result.outputFiles.map((file) => [file.path, Buffer.from(file.contents)]));
    const kept = new Set();
    for (const file of scripts) {
      if (outputs.has(outputOf(file))) continue;
      kept.add(outputOf(file));
      kept.add(`${outputOf(file)}.map`);
    }
    for (const file of files) {
      if (file.endsWith('.ts')) continue;
      outputs.set(join(DIST, relative(SRC, file)), readFileSync(file));
    }
    // The stamp goes last and is removed first, so an interrupted build leaves no stamp and the next
    // call rebuilds.
    rmSync(STAMP, { force: true });
    let written = 0;
    for (const [path, contents] of outputs) if (writeIfChanged(path, contents)) written += 1;
    // A file deleted or renamed in src/ must not linger in dist/ (the console serves its assets folder
    // by listing it).
    let removed = 0;
    let existing = [];
    try {
      existing = walk(DIST, []);
    } catch {}
    for (const path of existing) {
      if (path === STAMP || outputs.has(path) || kept.has(path)) continue;
      rmSync(path, { force: true });
      removed += 1;
    }
    const ms = Math.round(performance.now() - started);
    const stamp = { ...source, builtAt: new Date().toISOString(), buildMs: ms };
    writeIfChanged(STAMP, Buffer.from(`${JSON.stringify(stamp, null, 2)}\n`));
    return { built: true, ms, transpiled: entryPoints.length, written, removed };
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const ifStale = process.argv.includes('--if-stale');
  try {
    const result = await build({ ifStale });
    if (result.built) {
      process.stdout.write(
        `built dist/ in ${result.ms} ms (${result.transpiled} transpiled, ${result.written} written, ${result.removed} removed)\n`,
      );
    } else process.stdout.write('dist/ is up to date\n');
  } catch (error) {
    process.stderr.write(`build failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
