/**
 * Scenario: memory (target: RSS ≤ 150 MB with a 1M-job backlog). A child process
 * (bench/memory-backlog-process.ts) holds a SQLite store with BENCH_MEMORY_JOBS pending jobs and works
 * on them for BENCH_MEMORY_SECONDS; the baseline is the same process's RSS with the store open and empty.
 * The child runs the compiled program, as `parley` does: its own file is bundled by esbuild with every
 * `src/` import pointed at the same module in dist/ (built first if stale), and it runs on plain node, so
 * tsx's loader thread and compiler are not in the figure.
 */
import { type ChildProcess, fork, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { envInt } from './bench-env.js';

export const MEMORY_TARGET_MB = 150;

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SRC = join(ROOT, 'src/');
const DIST = join(ROOT, 'dist/');

export interface MemoryBacklogResult {
  jobs: number;
  seedSeconds: number;
  emptyRssMb: number;
  backlogRssMb: number;
  peakRssMb: number;
  processed: number;
  pendingAfter: number;
  workSeconds: number;
}

/** `bench/<entry>` as one .mjs file in `dir` that imports parley's modules from dist/. */
async function compileAgainstDist(entry: string, dir: string): Promise<string> {
  const built = spawnSync(process.execPath, [join(ROOT, 'scripts/build.mjs'), '--if-stale'], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`scripts/build.mjs failed: ${built.stderr}`);
  const outfile = join(dir, entry.replace(/\.ts$/, '.mjs'));
  await build({
    entryPoints: [fileURLToPath(new URL(entry, import.meta.url))],
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

export async function benchMemoryBacklog(): Promise<MemoryBacklogResult> {
  const jobs = envInt('BENCH_MEMORY_JOBS', 1_000_000);
  const workSeconds = envInt('BENCH_MEMORY_SECONDS', 20);
  const dir = mkdtempSync(join(tmpdir(), 'parley-bench-memory-child-'));
  let child: ChildProcess | undefined;
  try {
    const file = await compileAgainstDist('./memory-backlog-process.ts', dir);
    const started = fork(file, [], {
      env: { ...process.env, BENCH_INPUT: JSON.stringify({ jobs, workSeconds }) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child = started;
    const result = await new Promise<Omit<MemoryBacklogResult, 'workSeconds'>>((resolve, reject) => {
      started.once('message', (message) => resolve(message as Omit<MemoryBacklogResult, 'workSeconds'>));
      started.once('exit', (code) => reject(new Error(`memory child exited (code ${code}) before reporting`)));
      started.once('error', reject);
    });
    return { ...result, workSeconds };
  } finally {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child?.once('exit', resolve));
      const timer = setTimeout(() => child?.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
