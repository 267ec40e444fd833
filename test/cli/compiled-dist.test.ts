/**
 * bin/parley.js runs the compiled dist/ (scripts/build.mjs), in a temporary copy of the checkout (src/,
 * bin/, scripts/, workflows/, tsconfig.json, node_modules linked) so the real dist/ is never touched: the
 * built program answers --help and runs a command that reads assets (the generated OpenAPI JSON and the
 * built-in workflows); a source edited after the build is rebuilt before anything runs, with one line on
 * stderr; a dist/ that cannot be built stops with the command to run.
 */
import { spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = new URL('../..', import.meta.url).pathname;

function node(
  cwd: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
  command = process.execPath,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, LOG_LEVEL: 'silent', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function copyCheckout(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'parley-dist-'));
  for (const path of ['src', 'bin', 'scripts', 'workflows', 'tsconfig.json', 'package.json']) {
    await cp(join(ROOT, path), join(dir, path), { recursive: true, preserveTimestamps: true });
  }
  await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

describe('the compiled program in dist/', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await copyCheckout();
    const built = await node(dir, ['scripts/build.mjs']);
    expect(built.code, built.stderr).toBe(0);
  }, 120_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('answers parley --help from dist/ without rebuilding', async () => {
    const result = await node(dir, ['bin/parley.js', '--help']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: parley [options] [command]');
    expect(result.stdout).toMatch(/accelevents-sandbox \[options\]/);
  });

  it('runs parley catalog --json from dist/, reading the OpenAPI JSON and the built-in workflows', async () => {
    const result = await node(dir, ['bin/parley.js', 'catalog', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const catalog = JSON.parse(result.stdout);
    expect(JSON.stringify(catalog)).toContain('send-a-new-message');
  });

  it("runs as an executable through its first line, with V8's old generation capped at 1 GiB", async () => {
    const out = join(dir, 'heap-limit.txt');
    const preload = join(dir, 'heap-limit.mjs');
    await writeFile(
      preload,
      "import { writeFileSync } from 'node:fs';\nimport v8 from 'node:v8';\n" +
        'writeFileSync(process.env.HEAP_LIMIT_OUT, String(v8.getHeapStatistics().heap_size_limit));\n',
    );
    const result = await node(
      dir,
      ['--version'],
      { NODE_OPTIONS: `--import=${preload}`, HEAP_LIMIT_OUT: out },
      join(dir, 'bin/parley.js'),
    );
    expect(result.code, result.stderr).toBe(0);
    // The limit is the old generation's cap plus the young generation's (a few tens of MB).
    const limitMb = Number(await readFile(out, 'utf8')) / 2 ** 20;
    expect(limitMb).toBeGreaterThanOrEqual(1024);
    expect(limitMb).toBeLessThan(1200);
    const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
    expect(manifest.scripts.start).toBe('bin/parley.js start');
  });

  it('rebuilds a dist/ older than an edited source before running it, and says so on stderr', async () => {
    const manifest = join(dir, 'src/cli/commands/index.ts');
    const text = await readFile(manifest, 'utf8');
    await writeFile(
      manifest,
      text.replace("summary: 'manage the vault keys'", "summary: 'manage the vault keys (edited)'"),
    );
    const later = new Date(Date.now() + 5_000);
    await utimes(manifest, later, later);
    const first = await node(dir, ['bin/parley.js', '--help']);
    expect(first.stderr).toMatch(/^parley: src\/ changed since the last build; rebuilt dist\/ in \d+ ms\n$/);
    expect(first.stdout).toContain('manage the vault keys (edited)');
    const second = await node(dir, ['bin/parley.js', '--help']);
    expect(second.stderr).toBe('');
  });

  it('rebuilds when a source file is deleted, so dist/ keeps no output of it', async () => {
    await writeFile(join(dir, 'src/lib/extra-file.ts'), 'export const extra = 1;\n');
    expect((await node(dir, ['bin/parley.js', '--version'])).stderr).toMatch(/rebuilt dist\//);
    await rm(join(dir, 'src/lib/extra-file.ts'));
    const result = await node(dir, ['bin/parley.js', '--version']);
    expect(result.stderr).toMatch(/rebuilt dist\//);
    await expect(readFile(join(dir, 'dist/lib/extra-file.js'))).rejects.toThrow(/ENOENT/);
  });
});

it('stops with the command to run when dist/ is missing and cannot be built', async () => {
  const dir = await copyCheckout();
  try {
    // A file where dist/ should be: nothing can be written there.
    await writeFile(join(dir, 'dist'), 'not a directory');
    const result = await node(dir, ['bin/parley.js', '--help']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^parley: dist\/ is missing and could not be rebuilt \(.+\); run `npm run build`/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
