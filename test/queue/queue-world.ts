/**
 * What the queue tests share: the side table handlers record their runs in, a condition poller
 * (tests wait for outcomes, never for durations), and child-process workers.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { createLogger } from '../../src/lib/create-logger.js';
import type { JobHandler } from '../../src/queue/types.js';
import type { Store } from '../../src/store/open-database.js';

export const silentLogger = createLogger({ level: 'silent' });
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHILD = fileURLToPath(new URL('./child-worker.ts', import.meta.url));

/** One row per handler run, deliberately without a unique key: a second run of a job shows up as a second row. */
export async function createEffectsTable(store: Store): Promise<void> {
  await sql`create table if not exists queue_test_effects (job_id text not null, worker_id text not null)`.execute(
    store.db,
  );
}

export async function effects(store: Store): Promise<{ job_id: string; worker_id: string }[]> {
  const { rows } = await sql<{ job_id: string; worker_id: string }>`
    select job_id, worker_id from queue_test_effects order by job_id`.execute(store.db);
  return rows;
}

export function recordHandler(store: Store): JobHandler {
  return async (job, { workerId }) => {
    await sql`insert into queue_test_effects (job_id, worker_id) values (${job.id}, ${workerId})`.execute(store.db);
  };
}

export async function jobRow(store: Store, id: string) {
  return store.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

/** Polls `condition` until it holds; fails naming `what` if it never does within the bound. */
export async function waitFor(what: string, condition: () => Promise<boolean> | boolean, boundMs = 20_000) {
  const deadline = Date.now() + boundMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export interface ChildWorker {
  ready: Promise<void>;
  /** Resolves with the id of the first job the child printed as claimed (MODE=hang). */
  claimed(): Promise<string>;
  stop(): void;
  kill(): void;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

export function startChildWorker(
  location: { dataDir?: string; databaseUrl?: string },
  workerId: string,
  mode: 'record' | 'hang',
): ChildWorker {
  const env: NodeJS.ProcessEnv = { ...process.env, WORKER_ID: workerId, MODE: mode };
  delete env.DATA_DIR;
  delete env.DATABASE_URL;
  if (location.dataDir !== undefined) env.DATA_DIR = location.dataDir;
  if (location.databaseUrl !== undefined) env.DATABASE_URL = location.databaseUrl;
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], { cwd: ROOT, env, stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
  const listeners = new Set<() => void>();
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const listener of listeners) listener();
  });
  const printed = (pattern: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(stdout);
        if (match) resolve(match[1] ?? match[0]);
      };
      listeners.add(check);
      check();
      void exit.then(({ code }) => reject(new Error(`child worker ${workerId} exited (${code}): ${stderr}`)));
    });
  return {
    ready: printed(/ready/).then(() => undefined),
    claimed: () => printed(/claimed (\S+)/),
    stop: () => child.stdin.write('stop\n'),
    kill: () => child.kill('SIGKILL'),
    exit,
  };
}

/** Empties the jobs and the side table, for tests that count everything in them. */
export async function resetTables(store: Store): Promise<void> {
  await store.db.deleteFrom('jobs').execute();
  await sql`delete from queue_test_effects`.execute(store.db);
}
