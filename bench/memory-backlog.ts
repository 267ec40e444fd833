/**
 * Scenario: memory (target: RSS ≤ 200 MB with a 1M-job backlog). A child process
 * (bench/memory-backlog-process.ts) holds a SQLite store with BENCH_MEMORY_JOBS pending jobs and works
 * on them for BENCH_MEMORY_SECONDS; the baseline is the same process's RSS with the store open and empty.
 */
import { envInt } from './bench-env.js';
import { forkBenchChild } from './child-process.js';

export const MEMORY_TARGET_MB = 200;

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

export async function benchMemoryBacklog(): Promise<MemoryBacklogResult> {
  const jobs = envInt('BENCH_MEMORY_JOBS', 1_000_000);
  const workSeconds = envInt('BENCH_MEMORY_SECONDS', 20);
  const child = forkBenchChild<Omit<MemoryBacklogResult, 'workSeconds'>>('./memory-backlog-process.ts', {
    jobs,
    workSeconds,
  });
  try {
    return { ...(await child.first), workSeconds };
  } finally {
    await child.stop();
  }
}
