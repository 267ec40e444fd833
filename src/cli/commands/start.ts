/**
 * `parley start` (HTTP and worker in one process, with the built-in sandboxes when the HighLevel
 * target is the sandbox), `parley serve` (HTTP only) and `parley worker` (jobs and token refresh only):
 * the scale-out split. On a first run with no master key anywhere, they run `parley init` first, so
 * `npm ci && npx parley start` works as written. SIGINT/SIGTERM stop them at any point, startup
 * included; a second signal forces the exit (src/server/stop-signals.ts).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { keyFilePath } from '../../app/key-file-path.js';
import { processLogger } from '../../app/process-logger.js';
import { runParley } from '../../app/run-parley.js';
import { loadConfig } from '../../config/load-config.js';
import { listenForStopSignals } from '../../server/stop-signals.js';
import { MASTER_KEY_ENV } from '../../vault/master-key.js';
import { withCliErrors } from '../to-cli-error.js';
import { runInit } from './init.js';

type Mode = { http: boolean; worker: boolean; sandboxDefault: boolean };

const MODES: Record<'start' | 'serve' | 'worker', Mode & { description: string }> = {
  start: {
    http: true,
    worker: true,
    sandboxDefault: true,
    description:
      'run parley in one process: HTTP server, worker, token refresh, and (when highlevel.target is sandbox) the built-in sandboxes',
  },
  serve: {
    http: true,
    worker: false,
    sandboxDefault: false,
    description: 'run the HTTP side only (webhooks in, OAuth install, health); pair with `parley worker`',
  },
  worker: {
    http: false,
    worker: true,
    sandboxDefault: false,
    description: 'run the job worker and token refresher only; pair with `parley serve`',
  },
};

export function register(program: Command): void {
  for (const [name, mode] of Object.entries(MODES)) {
    const command = program.command(name).description(mode.description);
    // --sandbox before --no-sandbox leaves the option unset when neither is given (commander), so the
    // default can follow the configured target.
    command.option('--sandbox', 'also start the built-in HighLevel and Accelevents sandboxes (on 127.0.0.1)');
    if (mode.sandboxDefault) {
      command.option('--no-sandbox', 'do not start the sandboxes, even when highlevel.target is sandbox');
    }
    command.action(async (options: { sandbox?: boolean }) => {
      await withCliErrors(() => run(mode, options.sandbox ?? (mode.sandboxDefault ? undefined : false)));
    });
  }
}

async function run(mode: Mode, sandbox: boolean | undefined): Promise<void> {
  // First of all, so a signal at any later point stops the process instead of being lost.
  const stops = listenForStopSignals(process);
  try {
    const env = loadConfig(process.env);
    const write = (text: string) => {
      process.stdout.write(text);
    };
    const firstRun = !(process.env[MASTER_KEY_ENV] ?? '').trim() && !existsSync(resolve(keyFilePath(env)));
    await runParley({
      http: mode.http,
      worker: mode.worker,
      ...(sandbox === undefined ? {} : { sandbox }),
      logger: processLogger(process.env, 'service'),
      env,
      write,
      stop: stops.signal,
      onRunning: stops.running,
      // After the config file is read, so a bad file leaves no new data directory or key behind.
      ...(firstRun ? { firstRun: () => runInit({ env: process.env, write }) } : {}),
    });
  } finally {
    stops.finished();
  }
}
