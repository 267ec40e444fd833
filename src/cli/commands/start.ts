/**
 * `parley start` (HTTP and worker in one process, with the built-in sandboxes), `parley serve` (HTTP
 * only) and `parley worker` (jobs and token refresh only): the scale-out split of DESIGN C12. On a
 * first run with no master key anywhere, they run `parley init` first, so `npm ci && npx parley start`
 * works as written.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config.js';
import { createLogger } from '../../logging/create-logger.js';
import { keyFilePath } from '../../runtime/key-file-path.js';
import { withCliErrors } from '../../runtime/to-cli-error.js';
import { runParley } from '../../server/run-parley.js';
import { MASTER_KEY_ENV } from '../../vault/master-key.js';
import { runInit } from './init.js';

type Mode = { http: boolean; worker: boolean; sandboxDefault: boolean };

const MODES: Record<'start' | 'serve' | 'worker', Mode & { description: string }> = {
  start: {
    http: true,
    worker: true,
    sandboxDefault: true,
    description: 'run parley in one process: HTTP server, worker, token refresh, and the built-in sandboxes',
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
    if (mode.sandboxDefault)
      command.option('--no-sandbox', 'do not start the built-in HighLevel and Accelevents sandboxes');
    else command.option('--sandbox', 'also start the built-in HighLevel and Accelevents sandboxes');
    command.action(async (options: { sandbox?: boolean }) => {
      await withCliErrors(() => run(mode, options.sandbox ?? mode.sandboxDefault));
    });
  }
}

async function run(mode: Mode, sandbox: boolean): Promise<void> {
  const env = loadConfig(process.env);
  const write = (text: string) => {
    process.stdout.write(text);
  };
  if (!(process.env[MASTER_KEY_ENV] ?? '').trim() && !existsSync(resolve(keyFilePath(env)))) {
    await runInit({ env: process.env, write });
  }
  const stopSignal = new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await runParley({
    http: mode.http,
    worker: mode.worker,
    sandbox,
    logger: createLogger({ level: env.logLevel }),
    env,
    write,
    stopSignal,
  });
}
