/**
 * Bench processes: what is measured and what loads it must not share one event loop, so
 * the sandbox, the measured server and each rate-limit client run as forked Node processes. A child
 * announces itself with one IPC message (its URL or its result) and exits when told or disconnected.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const RUN_TS = fileURLToPath(new URL('../bin/run-ts.js', import.meta.url));

export interface BenchChild<T> {
  child: ChildProcess;
  /** The child's first IPC message. */
  first: Promise<T>;
  /** Asks the child to stop (IPC 'stop'), then kills it if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** Forks `bench/<entry>` through tsx with `input` as JSON in BENCH_INPUT. */
export function forkBenchChild<T>(entry: string, input: unknown): BenchChild<T> {
  const file = fileURLToPath(new URL(entry, import.meta.url));
  const child = fork(RUN_TS, [file], {
    env: { ...process.env, BENCH_INPUT: JSON.stringify(input) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const first = new Promise<T>((resolve, reject) => {
    child.once('message', (message) => resolve(message as T));
    child.once('exit', (code) => reject(new Error(`bench child ${entry} exited (code ${code}) before reporting`)));
    child.once('error', reject);
  });
  first.catch(() => {}); // observed by the caller; this keeps an early exit from being unhandled
  return {
    child,
    first,
    async stop(graceMs = 5_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      if (child.connected) child.send('stop');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** In a child: its parsed BENCH_INPUT. */
export function benchInput<T>(): T {
  const raw = process.env.BENCH_INPUT;
  if (!raw) throw new Error('BENCH_INPUT is not set: run this file through forkBenchChild');
  return JSON.parse(raw) as T;
}

/** In a child: sends `message` to the parent, and runs `onStop` (then exits) on 'stop' or disconnect. */
export function reportToParent(message: unknown, onStop: () => Promise<void> = async () => {}): void {
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    onStop().finally(() => process.exit(0));
  };
  process.on('message', (m) => {
    if (m === 'stop') stop();
  });
  process.on('disconnect', stop);
  process.send?.(message);
}
