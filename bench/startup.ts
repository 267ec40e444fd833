/**
 * Scenario: startup (targets: `parley --help` ≤ 4× a bare `node -e 0`; a started server's idle RSS ≤ 80 MB).
 * Both run the compiled program (bin/parley.js → dist/), built first if src/ changed, with the node
 * flags of bin/parley.js's first line (launch-flags.ts).
 * - Wall time: BENCH_STARTUP_RUNS (5) runs of `parley --help`, each right after a `node -e 0`, so load on the
 *   machine hits both alike; medians and their ratio.
 * - Peak RSS: the same commands with a preload (`--import`) that writes `process.resourceUsage().maxRSS`
 *   (the kernel's peak resident set, getrusage(2)) when the process exits; separate runs, so the preload
 *   never counts in the timings.
 * - Idle RSS: `parley start` on a fresh SQLite data directory with the built-in sandboxes (the default
 *   config), read from /proc/<pid>/status (VmRSS) after it printed its banner and idled BENCH_STARTUP_IDLE_S (5),
 *   and again at BENCH_STARTUP_SETTLED_S (30), once V8's memory reducer has run; the target is checked on the first.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { envInt, fmt } from './bench-env.js';
import { launchNodeFlags } from './launch-flags.js';

export const HELP_RATIO_TARGET = 4;
export const IDLE_RSS_TARGET_MB = 80;

const ROOT = new URL('..', import.meta.url).pathname;
const BIN = join(ROOT, 'bin/parley.js');

export interface StartupResult {
  runs: number;
  helpMedianMs: number;
  nodeMedianMs: number;
  helpRatio: number;
  helpPeakRssMb: number;
  nodePeakRssMb: number;
  idleRssMb: number;
  idlePeakRssMb: number;
  idleSeconds: number;
  /** The same server's RSS later, after V8's memory reducer has had time to run (it waits ~8 s). */
  settledRssMb: number;
  settledSeconds: number;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

function run(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { stdio: 'ignore', env });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`node ${args.join(' ')} exited ${code}`));
      else resolve(performance.now() - started);
    });
  });
}

async function peakRssMb(args: string[], dir: string, preload: string): Promise<number> {
  const out = join(dir, `rss-${Math.random().toString(36).slice(2)}`);
  await run(['--import', pathToFileURL(preload).href, ...args], { ...process.env, BENCH_RSS_OUT: out });
  return Number(readFileSync(out, 'utf8')) / 1024;
}

async function idleRss(
  idleSeconds: number,
  settledSeconds: number,
): Promise<{ rssMb: number; peakMb: number; settledRssMb: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-startup-'));
  const child = spawn(process.execPath, [...launchNodeFlags(), BIN, 'start'], {
    env: { ...process.env, PORT: '0', PARLEY_SANDBOX_PORT: '0', PARLEY_DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`parley start printed no banner in 120 s:\n${out}`)), 120_000);
      const onData = (data: Buffer) => {
        out += data.toString();
        if (out.includes('try: ')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code) => reject(new Error(`parley start exited (${code}) before its banner:\n${out}`)));
    });
    const kb = (field: string) => {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'))?.[1] ?? Number.NaN);
    };
    await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1000));
    const rssMb = kb('VmRSS') / 1024;
    const peakMb = kb('VmHWM') / 1024;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, settledSeconds - idleSeconds) * 1000));
    return { rssMb, peakMb, settledRssMb: kb('VmRSS') / 1024 };
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function benchStartup(): Promise<StartupResult> {
  const runs = envInt('BENCH_STARTUP_RUNS', 5);
  const idleSeconds = envInt('BENCH_STARTUP_IDLE_S', 5);
  const settledSeconds = envInt('BENCH_STARTUP_SETTLED_S', 30);
  // Build (or check) first, so no measured run pays for a rebuild.
  const built = spawnSync(process.execPath, [join(ROOT, 'scripts/build.mjs'), '--if-stale'], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`scripts/build.mjs failed: ${built.stderr}`);

  const dir = mkdtempSync(join(tmpdir(), 'parley-bench-rss-'));
  try {
    const preload = join(dir, 'max-rss.mjs');
    writeFileSync(
      preload,
      "import { writeFileSync } from 'node:fs';\n" +
        "process.on('exit', () => writeFileSync(process.env.BENCH_RSS_OUT, String(process.resourceUsage().maxRSS)));\n",
    );
    const help = [...launchNodeFlags(), BIN, '--help'];
    const bare = ['-e', '0'];
    await run(help); // warm the file cache
    const helpMs: number[] = [];
    const nodeMs: number[] = [];
    for (let i = 0; i < runs; i++) {
      nodeMs.push(await run(bare));
      helpMs.push(await run(help));
    }
    const helpRss: number[] = [];
    const nodeRss: number[] = [];
    for (let i = 0; i < 3; i++) {
      nodeRss.push(await peakRssMb(bare, dir, preload));
      helpRss.push(await peakRssMb(help, dir, preload));
    }
    const idle = await idleRss(idleSeconds, settledSeconds);
    const helpMedianMs = median(helpMs);
    const nodeMedianMs = median(nodeMs);
    return {
      runs,
      helpMedianMs,
      nodeMedianMs,
      helpRatio: helpMedianMs / nodeMedianMs,
      helpPeakRssMb: median(helpRss),
      nodePeakRssMb: median(nodeRss),
      idleRssMb: idle.rssMb,
      idlePeakRssMb: idle.peakMb,
      idleSeconds,
      settledRssMb: idle.settledRssMb,
      settledSeconds,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function printStartup(r: StartupResult): void {
  const verdict = (ok: boolean) => (ok ? 'met' : 'UNMET');
  console.log('\nstartup (compiled dist/)');
  console.log(`  measure                          value            target`);
  console.log(
    `  parley --help, median of ${r.runs}        ${fmt(r.helpMedianMs)} ms ÷ node -e 0 ${fmt(r.nodeMedianMs)} ms = ${fmt(r.helpRatio, 2)}×   ≤ ${HELP_RATIO_TARGET}× (${verdict(r.helpRatio <= HELP_RATIO_TARGET)})`,
  );
  console.log(`  parley --help peak RSS           ${fmt(r.helpPeakRssMb)} MB (node -e 0: ${fmt(r.nodePeakRssMb)} MB)`);
  console.log(
    `  parley start idle RSS            ${fmt(r.idleRssMb)} MB after ${r.idleSeconds} s (peak ${fmt(r.idlePeakRssMb)} MB)   ≤ ${IDLE_RSS_TARGET_MB} MB (${verdict(r.idleRssMb <= IDLE_RSS_TARGET_MB)})`,
  );
  console.log(`  parley start settled RSS         ${fmt(r.settledRssMb)} MB after ${r.settledSeconds} s (information)`);
}
