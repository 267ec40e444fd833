/**
 * `parley start`: everything in one process. The built-in HighLevel and Accelevents sandboxes are the
 * target until real credentials are connected (DESIGN C9); the store, vault and connections come from
 * the runtime; the HTTP app serves health, readiness, the HighLevel OAuth install routes and
 * `POST /hooks/highlevel`; the background refresher keeps idle tokens alive. On a first run with no
 * master key anywhere, it runs `parley init` first, so `npm ci && npx parley start` works as written.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { sql } from 'kysely';
import { loadConfig } from '../../config/load-config.js';
import { appIdOf, registerHighLevelOAuthRoutes } from '../../connections/highlevel/oauth-routes.js';
import { createOAuthStateStore } from '../../connections/highlevel/oauth-state-store.js';
import { resolveWebhookKeys } from '../../highlevel/webhooks/webhook-keys.js';
import { registerHighLevelWebhookRoute } from '../../highlevel/webhooks/webhook-route.js';
import { createLogger, type Logger } from '../../logging/create-logger.js';
import { keyFilePath } from '../../runtime/key-file-path.js';
import { openRuntime } from '../../runtime/open-runtime.js';
import { withCliErrors } from '../../runtime/to-cli-error.js';
import { startAcceleventsSandbox } from '../../sandbox/accelevents/create-sandbox.js';
import { sandboxPort } from '../../sandbox/accelevents/use-sandbox.js';
import { startHighLevelSandbox } from '../../sandbox/highlevel/create-sandbox.js';
import { createApp } from '../../server/create-app.js';
import { MASTER_KEY_ENV } from '../../vault/master-key.js';
import { planScopes } from '../../workflows/scope-planner.js';
import { runInit } from './init.js';

export function register(program: Command): void {
  program
    .command('start')
    .description('run parley in one process: HTTP server, connections and token refresh, and the built-in sandboxes')
    .option('--no-sandbox', 'do not start the built-in HighLevel and Accelevents sandboxes')
    .action(async (options: { sandbox: boolean }) => {
      await withCliErrors(() => runStart(options));
    });
}

async function runStart(options: { sandbox: boolean }): Promise<void> {
  const env = loadConfig(process.env);
  const logger = createLogger({ level: env.logLevel });
  const write = (text: string) => process.stdout.write(text);
  if (!(process.env[MASTER_KEY_ENV] ?? '').trim() && !existsSync(resolve(keyFilePath(env)))) {
    await runInit({ env: process.env, write });
  }

  const sandboxes = options.sandbox ? await startSandboxes(env, logger) : null;
  const runtime = await openRuntime({ logger, sandboxUrl: sandboxes?.highlevel.url });
  const { config, store, repository, tokenClient, tokenManager } = runtime;
  const app = createApp({
    logger,
    checkReady: async () => {
      await sql`select 1`.execute(store.db);
      return { database: store.dialect };
    },
  });
  await registerHighLevelOAuthRoutes(app, {
    config: config.highlevel,
    repository,
    tokenClient,
    states: createOAuthStateStore({ db: store.db }),
    plan: (userType) => planScopes(config.features, { userType }),
    logger,
  });
  await registerHighLevelWebhookRoute(app, {
    keys: await resolveWebhookKeys(config.highlevel),
    repository,
    tokenClient,
    appId: appIdOf(config.highlevel.clientId),
    logger,
    agencyAccessToken: (agency) => tokenManager.getAccessToken(agency.id),
  });
  const stopRefresher = tokenManager.startRefresher(config.refresh.checkIntervalSeconds * 1000);
  await app.listen({ port: env.port, host: env.host });
  const address = app.server.address();
  const base = `http://${env.host}:${typeof address === 'object' && address ? address.port : env.port}`;

  const lines = [
    `parley is running on ${base}  (store: ${store.dialect}, HighLevel target: ${config.highlevel.target})`,
    `  health:        ${base}/healthz   readiness: ${base}/readyz`,
    `  connect HighLevel (OAuth): open ${base}/oauth/highlevel/start`,
    `  HighLevel webhooks:        ${base}/hooks/highlevel`,
  ];
  if (sandboxes) {
    // Sandbox tokens reach sample data only; printing one is what makes the first run try-able.
    const { accessToken } = sandboxes.highlevel.issueToken();
    lines.push(
      `HighLevel sandbox on ${sandboxes.highlevel.url}  (sample location ${sandboxes.highlevel.defaultLocationId})`,
      `  sandbox token: ${accessToken}`,
      `  try: npx parley ghl search-conversation --base-url ${sandboxes.highlevel.url} --token ${accessToken} --param locationId=${sandboxes.highlevel.defaultLocationId}`,
      `Accelevents sandbox on ${sandboxes.accelevents.url}  (connect it: npx parley connect accelevents --base-url sandbox)`,
    );
  }
  write(`${lines.join('\n')}\n`);

  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  stopRefresher();
  await app.close();
  await runtime.close();
  await sandboxes?.highlevel.close();
  await sandboxes?.accelevents.close();
}

async function startSandboxes(env: ReturnType<typeof loadConfig>, logger: Logger) {
  const highlevel = await startHighLevelSandbox({
    port: env.sandboxPort,
    host: env.host,
    logger: logger.child({ name: 'highlevel-sandbox' }),
  });
  const accelevents = await startAcceleventsSandbox({
    port: env.sandboxPort === 0 ? 0 : sandboxPort(process.env),
    host: env.host,
    logger: logger.child({ name: 'accelevents-sandbox' }),
  });
  return { highlevel, accelevents };
}
