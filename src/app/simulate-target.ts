/**
 * Where `parley simulate` runs: a parley in sandbox mode that answers GET /sandbox-info at a URL (its
 * store read through the same env: PARLEY_DATA_DIR or DATABASE_URL), or a parley started in this
 * process by `runParley` itself, in sandbox mode, on a fresh temporary data directory, so the whole
 * flow (both sandboxes, intake, HighLevel webhooks, worker) is exactly what `parley start` runs.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/load-config.js';
import type { Logger } from '../lib/create-logger.js';
import { openDatabase, type Store } from '../store/open-database.js';
import { AppError } from './app-error.js';
import { runParley } from './run-parley.js';

/** What `parley start` serves at GET /sandbox-info in sandbox mode (src/app/run-parley.ts). */
export interface SandboxInfo {
  highlevel: { url: string; locationId: string };
  accelevents: { url: string };
}

export interface SimulationTarget {
  mode: 'server' | 'in-process';
  info: SandboxInfo;
  store: Store;
  close(): Promise<void>;
}

type Probe = { found: SandboxInfo } | { missing: string };

/** Asks `url` for /sandbox-info; says why there is no sandbox-mode parley there when there is none. */
export async function probeParley(url: string, fetchImpl: typeof fetch = globalThis.fetch): Promise<Probe> {
  let res: Response;
  try {
    res = await fetchImpl(new URL('/sandbox-info', url), { signal: AbortSignal.timeout(2_000) });
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    return { missing: `nothing answers at ${url} (${cause})` };
  }
  const body = res.ok ? ((await res.json().catch(() => null)) as Partial<SandboxInfo> | null) : null;
  await res.body?.cancel().catch(() => undefined);
  if (body?.highlevel?.url && body.highlevel.locationId && body.accelevents?.url) return { found: body as SandboxInfo };
  return { missing: `${url} answers GET /sandbox-info with ${res.status}, not as a parley in sandbox mode` };
}

/** A running parley at `url`; an error naming the URL when there is none. */
export async function requiredServer(url: string, env: NodeJS.ProcessEnv, logger: Logger): Promise<SimulationTarget> {
  const probe = await probeParley(url);
  if ('missing' in probe) {
    throw new AppError(
      'parley_unreachable',
      `--url: ${probe.missing}; start one there with \`parley start\` (sandbox mode), or leave out --url to simulate in this process`,
    );
  }
  return serverTarget(probe.found, env, logger);
}

export async function serverTarget(
  info: SandboxInfo,
  env: NodeJS.ProcessEnv,
  logger: Logger,
): Promise<SimulationTarget> {
  const config = loadConfig(env);
  const store = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    logger,
    migrate: false,
  });
  return { mode: 'server', info, store, close: () => store.close() };
}

export interface InProcessOptions {
  logger: Logger;
  /** The HighLevel sandbox's burst window; default HighLevel's own (100 per 10 s). Tests widen it. */
  burst?: { limit: number; intervalMs: number };
}

/** `runParley` in sandbox mode in this process, on a temporary data directory removed on close. */
export async function inProcessTarget(options: InProcessOptions): Promise<SimulationTarget> {
  const dir = await mkdtemp(join(tmpdir(), 'parley-simulate-'));
  const dataDir = join(dir, 'data');
  // Only what this run needs: the caller's shell (PARLEY_CONFIG, DATABASE_URL…) must not redirect it.
  const env = { PARLEY_DATA_DIR: dataDir, PARLEY_MASTER_KEY: randomBytes(32).toString('base64') };
  const stop = new AbortController();
  let banner = '';
  let onRunning: () => void = () => {};
  const started = new Promise<void>((resolve) => {
    onRunning = resolve;
  });
  const running = runParley({
    http: true,
    worker: true,
    sandbox: true,
    logger: options.logger,
    env: { port: 0, host: '127.0.0.1', sandboxPort: 0 },
    processEnv: env,
    cwd: dir,
    write: (text) => {
      banner += text;
    },
    stop: stop.signal,
    onRunning,
  });
  const shutDown = async () => {
    stop.abort();
    await running.catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  };
  let store: Store | null = null;
  try {
    await Promise.race([
      started,
      running.then(() => {
        throw new AppError('simulate_failed', 'the in-process parley stopped while starting');
      }),
    ]);
    const url = /running on (http:\/\/\S+)/.exec(banner)?.[1];
    const probe = url ? await probeParley(url) : { missing: 'the in-process parley printed no URL' };
    if ('missing' in probe) throw new AppError('simulate_failed', `in-process parley: ${probe.missing}`);
    if (options.burst) {
      await fetch(new URL('/sandbox/rate-limits', probe.found.highlevel.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ burstLimit: options.burst.limit, burstIntervalMs: options.burst.intervalMs }),
      }).then((res) => res.body?.cancel());
    }
    store = await openDatabase({ dataDir, logger: options.logger, migrate: false });
    const opened = store;
    return {
      mode: 'in-process',
      info: probe.found,
      store: opened,
      close: async () => {
        await opened.close();
        await shutDown();
      },
    };
  } catch (error) {
    await store?.close();
    await shutDown();
    throw error;
  }
}
