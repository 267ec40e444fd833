/**
 * `parley start`: everything in one process. Today that is the store (migrated), the HTTP app with
 * health and readiness, and the built-in HighLevel sandbox, which is the target until real
 * credentials are connected (DESIGN C9). Intake and workers join this process as they are built.
 */
import type { Command } from 'commander';
import { sql } from 'kysely';
import { ConfigError, loadConfig } from '../../config/load-config.js';
import { createLogger } from '../../logging/create-logger.js';
import { startHighLevelSandbox } from '../../sandbox/highlevel/create-sandbox.js';
import { createApp } from '../../server/create-app.js';
import { openDatabase } from '../../store/open-database.js';
import { StoreError } from '../../store/store-error.js';
import { CliError } from '../cli-error.js';

export function register(program: Command): void {
  program
    .command('start')
    .description('run parley in one process: store, HTTP server and the built-in HighLevel sandbox')
    .option('--no-sandbox', 'do not start the built-in HighLevel sandbox')
    .action(async (options: { sandbox: boolean }) => {
      await runStart(options);
    });
}

async function runStart(options: { sandbox: boolean }): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message, error.code, 2);
    throw error;
  }
  const logger = createLogger({ level: config.logLevel });
  const store = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger }).catch(
    (error: unknown) => {
      if (error instanceof StoreError) throw new CliError(error.message, error.code);
      throw error;
    },
  );
  const sandbox = options.sandbox
    ? await startHighLevelSandbox({
        port: config.sandboxPort,
        host: config.host,
        logger: logger.child({ name: 'sandbox' }),
      })
    : null;
  const app = createApp({
    logger,
    checkReady: async () => {
      await sql`select 1`.execute(store.db);
      return { database: store.dialect };
    },
  });
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;

  const lines = [
    `parley is running on http://${config.host}:${port}  (store: ${store.dialect})`,
    `  health:    http://${config.host}:${port}/healthz`,
    `  readiness: http://${config.host}:${port}/readyz`,
  ];
  if (sandbox) {
    // Sandbox tokens grant access to sample data only; printing one is what makes the first run try-able.
    const { accessToken } = sandbox.issueToken();
    lines.push(
      `HighLevel sandbox on ${sandbox.url}  (sample location ${sandbox.defaultLocationId})`,
      `  sandbox token: ${accessToken}`,
      `  try: npx parley ghl search-conversation --base-url ${sandbox.url} --token ${accessToken} --param locationId=${sandbox.defaultLocationId}`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await app.close();
  await sandbox?.close();
  await store.close();
}
