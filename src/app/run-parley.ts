/**
 * What `parley start`, `serve` and `worker` run: the HTTP side (health, readiness, HighLevel OAuth
 * install, `POST /hooks/highlevel`, `POST /hooks/accelevents/:secret`), the worker side (the pipeline's
 * job worker and the token refresher), or both in one process (stateless serve and worker processes
 * scale out on PostgreSQL). In sandbox mode the built-in HighLevel and Accelevents sandboxes run too,
 * on loopback, and are connected, so a first run shows the whole flow with sample attendees.
 *
 * Startup reads the config file before anything else opens or listens, so a bad file ends it at once;
 * every step gives way to `stop`, and whatever was opened is closed again, last first.
 */

import { createAcceleventsClient } from '../accelevents/client.js';
import { appIdOf, registerHighLevelOAuthRoutes } from '../connect/highlevel/oauth-routes.js';
import { createOAuthStateStore } from '../connect/highlevel/oauth-state-store.js';
import { registerConsole } from '../console/register-console.js';
import { acceleventsClientFromConnection } from '../credentials/accelevents-client.js';
import { doubleSendsAmong } from '../features/enabled-workflows.js';
import { configPlanner } from '../features/running-features.js';
import { registerAcceleventsWebhookRoute } from '../intake/accelevents-webhook-route.js';
import {
  localOrigin,
  urlHost,
  webhookSecretForStart,
  webhookUrl,
  webhookUrlLine,
} from '../intake/accelevents-webhook-url.js';
import { registerHighLevelWebhookRoute } from '../intake/highlevel/webhook-route.js';
import type { Logger } from '../lib/create-logger.js';
import { keepMarketplaceSecret, MARKETPLACE_SECRET_HEADER } from '../marketplace/marketplace-secret.js';
import { registerMarketplaceRoutes } from '../marketplace/register-marketplace-routes.js';
import { SUBSCRIPTION_PATH } from '../marketplace/subscription-route.js';
import { deleteLocationSubscriptions } from '../marketplace/subscriptions.js';
import { startPostgresListener } from '../queue/postgres-listener.js';
import { createApp } from '../server/create-app.js';
import { metricsAccessFrom } from '../server/metrics-access.js';
import { registerMetricsRoute } from '../server/metrics-route.js';
import { storeReadiness } from '../server/readiness.js';
import { Closers, stopped, untilStopped } from '../server/until-stopped.js';
import { jobsFromRuntime } from './compose-jobs.js';
import { loadFileConfig } from './load-file-config.js';
import { openRuntime, type Runtime } from './open-runtime.js';
import type { ParleySandboxes } from './start-sandboxes.js';
import {
  closeSandboxes,
  connectSandboxLocation,
  highLevelWebhookKeys,
  pointHighLevelSandboxAt,
  pointHighLevelSandboxWorkflowsAt,
  startSandboxes,
} from './start-sandboxes.js';
import { createWorkflowTestRunner } from './workflow-test-runner.js';

export interface RunParleyOptions {
  http: boolean;
  worker: boolean;
  /**
   * true (`--sandbox`) or false (`--no-sandbox`); unset: the sandboxes run exactly when the HighLevel
   * target (config `highlevel.target`) is the sandbox.
   */
  sandbox?: boolean;
  logger: Logger;
  env: { port: number; host: string; sandboxPort: number };
  /** The raw environment the config, store and master key are read from. Default process.env. */
  processEnv?: NodeJS.ProcessEnv;
  /** Where the config file is looked up. Default process.cwd(). */
  cwd?: string;
  write(text: string): void;
  /** Aborted when the process should stop (SIGINT/SIGTERM), at any point, startup included. */
  stop: AbortSignal;
  /** Called once parley is serving (after the banner). */
  onRunning?: () => void;
  /** First-run setup (`parley init`), run once the config file has been read and before anything opens. */
  firstRun?: () => Promise<void>;
}

export async function runParley(options: RunParleyOptions): Promise<void> {
  const { logger, env, stop } = options;
  const processEnv = options.processEnv ?? process.env;
  const closers = new Closers();
  try {
    // Read first and on its own: a bad config file ends startup before any port is open.
    const fileConfig = await untilStopped(stop, loadFileConfig({ env: processEnv, cwd: options.cwd }));
    if (options.firstRun) await untilStopped(stop, options.firstRun());
    const sandboxMode = options.sandbox ?? fileConfig.highlevel.target === 'sandbox';
    const sandboxes = sandboxMode
      ? await untilStopped(stop, startSandboxes(env, processEnv, logger), closeSandboxes)
      : null;
    if (sandboxes) closers.add('sandboxes', () => closeSandboxes(sandboxes));
    const runtime = await untilStopped(
      stop,
      openRuntime({ env: processEnv, cwd: options.cwd, logger, sandboxUrl: sandboxes?.highlevel.url }),
      (opened) => opened.close(),
    );
    closers.add('store', () => runtime.close());
    // Not raced: each part it opens registers its closer as it goes, and it checks `stop` itself.
    await start(options, runtime, sandboxes, closers);
    if (stop.aborted) return;
    options.onRunning?.();
    await stopped(stop);
  } catch (error) {
    // A stop during startup is a clean stop, not a failure.
    if (!(stop.aborted && error === stop.reason)) throw error;
  } finally {
    await closers.closeAll((name, error) => logger.error({ err: error }, `could not close the ${name} cleanly`));
  }
}

async function start(
  options: RunParleyOptions,
  runtime: Runtime,
  sandboxes: ParleySandboxes | null,
  closers: Closers,
): Promise<void> {
  const { logger, write } = options;
  const lines: string[] = [];
  if (sandboxes) await connectSandboxLocation(runtime, sandboxes.highlevel);
  const pipeline = options.worker ? await jobsFromRuntime(runtime, { logger }) : null;
  if (pipeline) closers.add('worker', () => pipeline.stop({ graceMs: 10_000 }));
  // On PostgreSQL other processes enqueue too: their NOTIFYs wake this worker (docs/queue-wakeups.md).
  const { databaseUrl } = runtime.env;
  if (pipeline && runtime.queue.wakeups && runtime.store.dialect === 'postgres' && databaseUrl !== undefined) {
    const listener = startPostgresListener({ databaseUrl, wakeups: runtime.queue.wakeups, logger });
    closers.add('job listener', () => listener.close());
  }
  if (options.worker) {
    closers.add(
      'token refresher',
      runtime.tokenManager.startRefresher(runtime.config.refresh.checkIntervalSeconds * 1000),
    );
  }
  const running = await runtime.workflows.current();
  for (const twice of doubleSendsAmong(await runtime.workflows.entries()))
    logger.warn({ workflows: twice.workflows }, twice.message);
  if (options.http) {
    await buildHttp(options, runtime, sandboxes, lines, closers);
  }
  if (options.stop.aborted) return; // The closers undo what was opened; nothing starts working.
  pipeline?.start();
  if (options.worker) lines.push(`worker: running ${running.length} workflow(s)`);
  write(`${lines.join('\n')}\n`);
}

async function buildHttp(
  options: RunParleyOptions,
  runtime: Runtime,
  sandboxes: ParleySandboxes | null,
  lines: string[],
  closers: Closers,
): Promise<void> {
  const { logger, env } = options;
  // The console and the worker share the runtime's one queue, index and paced HighLevel client, so they
  // share each location's rate bucket too.
  const { config, store, repository, tokenClient, tokenManager, vault, queue, index } = runtime;
  const planner = await configPlanner(config);
  const app = createApp({ logger, checkReady: storeReadiness(store, logger), server: config.server });
  closers.add('HTTP server', () => app.close());
  await registerHighLevelOAuthRoutes(app, {
    config: config.highlevel,
    repository,
    tokenClient,
    states: createOAuthStateStore({ db: store.db }),
    plan: (userType) => planner.plan({ userType }),
    logger,
  });
  await registerHighLevelWebhookRoute(app, {
    keys: await highLevelWebhookKeys(config.highlevel, sandboxes),
    repository,
    tokenClient,
    appId: appIdOf(config.highlevel.clientId),
    logger,
    agencyAccessToken: (agency) => tokenManager.getAccessToken(agency.id),
    inbox: { db: store.db, queue },
    // The app left the location: its HighLevel workflows' trigger subscriptions go with it.
    onLocationUninstalled: async (locationId) => {
      const removed = await deleteLocationSubscriptions(store.db, locationId, Date.now());
      if (removed > 0) logger.info({ locationId, removed }, 'UNINSTALL: marketplace trigger subscriptions deleted');
    },
  });
  await registerAcceleventsWebhookRoute(app, { db: store.db, queue, config: config.accelevents.webhook, logger });
  // HighLevel's workflow builder: trigger subscriptions, custom actions, options, fields (docs/marketplace.md).
  registerMarketplaceRoutes(app, {
    db: store.db,
    repository,
    enabled: config.features.includes('marketplace'),
    logger,
    sandboxLocationId: sandboxes?.highlevel.defaultLocationId ?? null,
    actions: {
      db: store.db,
      highlevel: runtime.highlevel,
      // The stored connection; in sandbox mode without one, the Accelevents sandbox.
      accelevents: async () =>
        (await acceleventsClientFromConnection({ repository, config, logger })) ??
        (sandboxes
          ? createAcceleventsClient({
              baseUrl: sandboxes.accelevents.url,
              apiKey: sandboxes.accelevents.apiKey,
              readAuth: config.accelevents.readAuth,
              writeAuth: config.accelevents.writeAuth,
              logger,
            })
          : null),
      events: config.events,
      logger: logger.child({ name: 'marketplace' }),
    },
  });
  registerMetricsRoute(app, {
    db: store.db,
    access: metricsAccessFrom(config.server.metrics, options.processEnv ?? process.env),
  });
  const testRuns = createWorkflowTestRunner({
    ...(sandboxes ? { sandbox: sandboxes.highlevel } : {}),
    logger: logger.child({ name: 'console' }),
  });
  closers.add('workflow test runs', () => testRuns.close());
  await registerConsole(app, {
    db: store.db,
    dialect: store.dialect,
    index,
    highlevel: runtime.highlevel,
    queue,
    repository,
    config,
    workflows: runtime.workflows,
    workflowStore: runtime.workflowStore,
    testRuns,
    defaultLocationId: async () => {
      const connected = await repository.list({ provider: 'highlevel', callable: true });
      return connected.find((c) => c.locationId !== null && c.status === 'ok')?.locationId ?? null;
    },
    secureCookies: config.console.secureCookies,
    logger: logger.child({ name: 'console' }),
    now: Date.now,
  });

  // The marketplace app's secret header is made on the first start with the feature on; it is shown
  // only by `parley marketplace secret rotate`, so the banner just says where to get it.
  const marketplaceSecret = config.features.includes('marketplace')
    ? await keepMarketplaceSecret(store.db, vault)
    : null;

  // Only a sandbox-target run may replace a hash-only secret: under a live target its URL is in use.
  const sandboxMode = sandboxes !== null && config.highlevel.target === 'sandbox';
  const secret = await webhookSecretForStart({ db: store.db, vault, sandboxMode, logger });

  // For `parley simulate`: where the sandboxes are. Sandbox mode only, and no secret in it: the
  // Accelevents sandbox is pointed at parley's webhook URL here, so a caller never needs the URL.
  if (sandboxes) {
    app.get('/sandbox-info', async () => ({
      highlevel: { url: sandboxes.highlevel.url, locationId: sandboxes.highlevel.defaultLocationId },
      accelevents: { url: sandboxes.accelevents.url },
    }));
  }
  if (options.stop.aborted) return;
  await app.listen({ port: env.port, host: env.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : env.port;
  const base = `http://${urlHost(env.host)}:${port}`;
  if (sandboxes && secret !== null) {
    sandboxes.accelevents.configure({ webhookUrl: webhookUrl(localOrigin(env.host, port), secret) });
  }
  const highlevelHooked = sandboxes
    ? pointHighLevelSandboxAt(config.highlevel, sandboxes, localOrigin(env.host, port))
    : false;
  const workflowsHooked = sandboxes
    ? await pointHighLevelSandboxWorkflowsAt(runtime, sandboxes, localOrigin(env.host, port))
    : false;

  lines.push(
    `parley is running on ${base}  (store: ${store.dialect}, HighLevel target: ${config.highlevel.target})`,
    `  console:       ${base}/console   (add a user: npx parley users add you@example.com --role admin)`,
    `  API:           ${base}/api/docs  (OpenAPI: ${base}/api/openapi.json)`,
    `  health:        ${base}/healthz   readiness: ${base}/readyz   metrics: ${base}/metrics`,
    `  connect HighLevel (OAuth): open ${base}/oauth/highlevel/start`,
    `  HighLevel webhooks:        ${base}/hooks/highlevel`,
    webhookUrlLine(base, secret),
  );
  if (marketplaceSecret) {
    lines.push(
      `  HighLevel workflow builder: ${base}${SUBSCRIPTION_PATH}  (header ${MARKETPLACE_SECRET_HEADER}: \`npx parley marketplace secret rotate\` prints a new secret once)`,
    );
  }
  if (sandboxes) {
    // Sandbox tokens reach sample data only; printing one is what makes the first run try-able.
    const { accessToken } = sandboxes.highlevel.issueToken();
    lines.push(
      `HighLevel sandbox on ${sandboxes.highlevel.url}  (sample location ${sandboxes.highlevel.defaultLocationId}${highlevelHooked ? '; its webhooks go to parley' : ''})`,
      `  sandbox token: ${accessToken}`,
      `  try: npx parley ghl search-conversation --base-url ${sandboxes.highlevel.url} --token ${accessToken} --param locationId=${sandboxes.highlevel.defaultLocationId}`,
      ...(workflowsHooked
        ? [
            `  workflows:     POST ${sandboxes.highlevel.url}/sandbox/workflows subscribes a workflow to parley's triggers`,
          ]
        : []),
      secret === null
        ? `Accelevents sandbox on ${sandboxes.accelevents.url}  (its webhooks go nowhere: the webhook URL cannot be shown)`
        : `Accelevents sandbox on ${sandboxes.accelevents.url}  (its webhooks go to parley; try: npx parley simulate --attendees 20)`,
    );
  } else if (config.highlevel.target === 'live') {
    lines.push('sandboxes: off (HighLevel target is live; `--sandbox` starts them anyway, on loopback)');
  }
}
