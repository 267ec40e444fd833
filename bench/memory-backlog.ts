/**
 * Scenario: memory (target: RSS ≤ 150 MB with a 1M-job backlog). A child process
 * (bench/memory-backlog-process.ts) holds a SQLite store with BENCH_MEMORY_JOBS pending jobs and works
 * on them for BENCH_MEMORY_SECONDS; the baseline is the same process's RSS with the store open and empty.
 * The child runs the compiled program, as `parley` does (test/helpers/compiled-child.ts: its own file
 * bundled with every `src/` import pointed at dist/, built first if stale), on plain node with
 * `parley`'s own node flags (launch-flags.ts), so tsx's loader thread and compiler are not in the figure.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileChild } from '../test/helpers/compiled-child.js';
import { envInt } from './bench-env.js';
import { launchNodeFlags } from './launch-flags.js';

export const MEMORY_TARGET_MB = 150;

export interface MemoryBacklogResult {
  jobs: number;
  seedSeconds: number;
  emptyRssMb: number;
  backlogRssMb: number;
  /** Peak while the backlog was being enqueued (one process inserting 1M rows in 1,000-row batches). */
  enqueuePeakRssMb: number;
  /** Peak while the worker ran on the backlog. */
  workPeakRssMb: number;
  peakRssMb: number;
  processed: number;
  pendingAfter: number;
  workSeconds: number;
}

export async function benchMemoryBacklog(): Promise<MemoryBacklogResult> {
  const jobs = envInt('BENCH_MEMORY_JOBS', 1_000_000);
  const workSeconds = envInt('BENCH_MEMORY_SECONDS', 20);
  const file = await compileChild(fileURLToPath(new URL('./memory-backlog-process.ts', import.meta.url)));
  let child: ChildProcess | undefined;
  try {
    const started = fork(file, [], {
      execArgv: launchNodeFlags(),
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
    rmSync(dirname(file), { recursive: true, force: true });
  }
}
