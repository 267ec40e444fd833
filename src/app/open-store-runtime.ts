/**
 * The store part of the composition root (open-runtime.ts builds the rest on it): the environment
 * config, the process's logger, its one store and its one queue. Commands that read or change rows and
 * need no secrets (`users`, `inbox`, `dlq`, `preferences`, `keys`, `init`) open only this, and so load
 * only what it needs.
 */
import { loadConfig, type ParleyConfig } from '../config/load-config.js';
import type { Logger } from '../lib/create-logger.js';
import { createQueue } from '../queue/create-queue.js';
import type { Queue } from '../queue/types.js';
import { openDatabase, type Store } from '../store/open-database.js';
import type { CommandIo } from './command-io.js';
import { processLogger } from './process-logger.js';

/** What the caller injects; everything else comes from the environment and the config file. */
export interface Effects {
  /** Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Where a relative config path (and the default file) is looked up. Default process.cwd(). */
  cwd?: string;
  /** Overrides PARLEY_CONFIG. */
  configPath?: string;
  /** The built-in sandbox's URL when it is not on 127.0.0.1:PARLEY_SANDBOX_PORT. */
  sandboxUrl?: string;
  /** Default: processLogger's, for a command (stderr, LOG_LEVEL or `warn`). */
  logger?: Logger;
  /** Every outbound HTTP call; default global fetch. */
  fetch?: typeof fetch;
  /** Clock, epoch ms. Default Date.now. */
  now?: () => number;
  /** [0, 1); the queue's backoff jitter. Default Math.random. */
  random?: () => number;
}

/** The store alone, for commands that read or change rows and need no secrets (users, inbox, dlq). */
export interface StoreRuntime {
  env: ParleyConfig;
  store: Store;
  /** The process's one queue. */
  queue: Queue;
  logger: Logger;
  /** Closes the store. Safe to call more than once. */
  close(): Promise<void>;
}

export async function openStoreRuntime(effects: Effects = {}): Promise<StoreRuntime> {
  const rawEnv = effects.env ?? process.env;
  const env = loadConfig(rawEnv);
  const logger = effects.logger ?? processLogger(rawEnv, 'command');
  const store = await openDatabase({ databaseUrl: env.databaseUrl, dataDir: env.dataDir, logger });
  const queue = createQueue({
    store,
    ...(effects.now ? { now: effects.now } : {}),
    ...(effects.random ? { random: effects.random } : {}),
  });
  return { env, store, queue, logger, close: () => store.close() };
}

/** Runs `body` on a store runtime opened from the command's io, and closes it whatever happens. */
export async function withStoreRuntime<T>(io: CommandIo, body: (runtime: StoreRuntime) => Promise<T>): Promise<T> {
  const runtime = await openStoreRuntime(effectsOf(io));
  try {
    return await body(runtime);
  } finally {
    await runtime.close();
  }
}

/** The effects a command's io carries. */
export function effectsOf(io: CommandIo): Effects {
  return { env: io.env, cwd: io.cwd, sandboxUrl: io.sandboxUrl, fetch: io.fetch, now: io.now };
}
