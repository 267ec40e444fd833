/**
 * What `parley start`, `serve` and `worker` run: the HTTP side (health, readiness, HighLevel OAuth
 * install, `POST /hooks/highlevel`, `POST /hooks/accelevents/:secret`), the worker side (the pipeline's
 * job worker and the token refresher), or both in one process (DESIGN C12: stateless serve and worker
 * processes on PostgreSQL). With `sandbox`, the built-in HighLevel and Accelevents sandboxes run too and
 * are connected, so a first run shows the whole flow with sample attendees (DESIGN C9).
 */
import { sql } from 'kysely';
import { appIdOf, registerHighLevelOAuthRoutes } from '../connections/highlevel/oauth-routes.js';
import { createOAuthStateStore } from '../connections/highlevel/oauth-state-store.js';
import { registerConsole } from '../console/register-console.js';
import { resolveWebhookKeys } from '../highlevel/webhooks/webhook-keys.js';
import { registerHighLevelWebhookRoute } from '../highlevel/webhooks/webhook-route.js';
import { createLocalIndex } from '../index/local-index.js';
import { ACCELEVENTS_WEBHOOK_PATH, registerAcceleventsWebhookRoute } from '../intake/accelevents-webhook-route.js';
import { createAcceleventsWebhookSecret, WEBHOOK_SECRET_SETTING } from '../intake/webhook-secret.js';
import type { Logger } from '../logging/create-logger.js';
import { createPipeline } from '../pipeline/create-pipeline.js';
import { doubleSendsOf, loadEnabledWorkflows } from '../pipeline/enabled-workflows.js';
import { createHighLevelAccess, type HighLevelAccess } from '../pipeline/highlevel-access.js';
import { createQueue } from '../queue/create-queue.js';
import { openRuntime, type Runtime } from '../runtime/open-runtime.js';
import { planScopes } from '../workflows/scope-planner.js';
import { createApp } from './create-app.js';
import { registerMetricsRoute } from './metrics-route.js';
import type { ParleySandboxes } from './start-sandboxes.js';
import { connectSandboxLocation, startSandboxes } from './start-sandboxes.js';

export interface RunParleyOptions {
  http: boolean;
  worker: boolean;
  sandbox: boolean;
  logger: Logger;
  env: { port: number; host: string; sandboxPort: number };
  write(text: string): void;
  /** Resolves when the process should stop (SIGINT/SIGTERM). */
  stopSignal: Promise<void>;
}

export async function runParley(options: RunParleyOptions): Promise<void> {
  const { logger, env, write } = options;
  const sandboxes = options.sandbox ? await startSandboxes(env, logger) : null;
  const runtime = await openRuntime({ logger, sandboxUrl: sandboxes?.highlevel.url });
  const lines: string[] = [];
  try {
    if (sandboxes) await connectSandboxLocation(runtime, sandboxes.highlevel);
    // One paced, audited client for the worker and the console: they share each location's rate bucket.
    const access = createHighLevelAccess({
      store: runtime.store,
      auth: runtime.tokenManager.tokenSource(),
      baseUrl: runtime.config.highlevel.baseUrl,
      appId: appIdOf(runtime.config.highlevel.clientId),
      logger,
    });
    const pipeline = options.worker ? await createPipeline({ runtime, logger, access }) : null;
    const stopRefresher = options.worker
      ? runtime.tokenManager.startRefresher(runtime.config.refresh.checkIntervalSeconds * 1000)
      : () => {};
    const workflowNames = pipeline
      ? pipeline.workflows.map((w) => w.name)
      : (
          await loadEnabledWorkflows({
            features: runtime.config.features,
            userPath: runtime.config.workflows.path ?? undefined,
            sponsorStaffContactIds: runtime.config.sponsor.staffContactIds,
          })
        ).map((w) => w.name);
    for (const twice of await doubleSendsOf(runtime.config)) logger.warn({ workflows: twice.workflows }, twice.message);
    const app = options.http
      ? await buildHttp(runtime, logger, sandboxes, lines, env, { access, workflowNames })
      : null;
    pipeline?.start();
    if (options.worker) lines.push(`worker: running ${pipeline?.workflows.length ?? 0} workflow(s)`);
    write(`${lines.join('\n')}\n`);

    await options.stopSignal;
    stopRefresher();
    await app?.close();
    await pipeline?.stop({ graceMs: 10_000 });
  } finally {
    await runtime.close();
    await sandboxes?.highlevel.close();
    await sandboxes?.accelevents.close();
  }
}

async function buildHttp(
  runtime: Runtime,
  logger: Logger,
  sandboxes: ParleySandboxes | null,
  lines: string[],
  env: RunParleyOptions['env'],
  shared: { access: HighLevelAccess; workflowNames: readonly string[] },
) {
  const { config, store, repository, tokenClient, tokenManager } = runtime;
  const queue = createQueue({ store });
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
    inbox: { db: store.db, queue },
  });
  await registerAcceleventsWebhookRoute(app, { db: store.db, queue, config: config.accelevents.webhook, logger });
  registerMetricsRoute(app, { db: store.db });
  await registerConsole(app, {
    db: store.db,
    dialect: store.dialect,
    index: createLocalIndex({ db: store.db, dialect: store.dialect }),
    highlevel: shared.access,
    queue,
    repository,
    config,
    workflowNames: shared.workflowNames,
    defaultLocationId: async () => {
      const connected = await repository.list({ provider: 'highlevel' });
      return connected.find((c) => c.locationId !== null && c.status === 'ok')?.locationId ?? null;
    },
    secureCookies: config.console.secureCookies,
    logger: logger.child({ name: 'console' }),
    now: Date.now,
  });

  // The secret is stored hashed, so its URL can be shown only when it is made: on a first start, and on
  // every sandbox start (the built-in Accelevents sandbox is re-pointed at the new URL each time).
  const existing = await store.db
    .selectFrom('settings')
    .select('key')
    .where('key', '=', WEBHOOK_SECRET_SETTING)
    .executeTakeFirst();
  const secret = sandboxes || !existing ? await createAcceleventsWebhookSecret(store.db) : null;

  // For `parley simulate`: where the sandboxes are and where their webhooks go. Sandbox mode only;
  // registered before listen (Fastify refuses routes after), filled in once the port is known.
  const sandboxInfo: { webhookUrl: string | null } = { webhookUrl: null };
  if (sandboxes) {
    app.get('/sandbox-info', async () => ({
      highlevel: { url: sandboxes.highlevel.url, locationId: sandboxes.highlevel.defaultLocationId },
      accelevents: { url: sandboxes.accelevents.url },
      webhookUrl: sandboxInfo.webhookUrl,
    }));
  }
  await app.listen({ port: env.port, host: env.host });
  const address = app.server.address();
  const base = `http://${env.host}:${typeof address === 'object' && address ? address.port : env.port}`;
  const webhookUrl = secret ? `${base}${ACCELEVENTS_WEBHOOK_PATH.replace(':secret', secret)}` : null;
  sandboxInfo.webhookUrl = webhookUrl;
  if (sandboxes && webhookUrl) sandboxes.accelevents.configure({ webhookUrl });

  lines.push(
    `parley is running on ${base}  (store: ${store.dialect}, HighLevel target: ${config.highlevel.target})`,
    `  console:       ${base}/console   (add a user: npx parley users add you@example.com --role admin)`,
    `  API:           ${base}/api/docs  (OpenAPI: ${base}/api/openapi.json)`,
    `  health:        ${base}/healthz   readiness: ${base}/readyz   metrics: ${base}/metrics`,
    `  connect HighLevel (OAuth): open ${base}/oauth/highlevel/start`,
    `  HighLevel webhooks:        ${base}/hooks/highlevel`,
    webhookUrl
      ? `  Accelevents webhook URL:   ${webhookUrl}   (shown once; the secret is stored hashed)`
      : '  Accelevents webhook URL:   shown when first made; get a new one with `parley connect accelevents --rotate-webhook --public-url <url>`',
  );
  if (sandboxes) {
    // Sandbox tokens reach sample data only; printing one is what makes the first run try-able.
    const { accessToken } = sandboxes.highlevel.issueToken();
    lines.push(
      `HighLevel sandbox on ${sandboxes.highlevel.url}  (sample location ${sandboxes.highlevel.defaultLocationId})`,
      `  sandbox token: ${accessToken}`,
      `  try: npx parley ghl search-conversation --base-url ${sandboxes.highlevel.url} --token ${accessToken} --param locationId=${sandboxes.highlevel.defaultLocationId}`,
      `Accelevents sandbox on ${sandboxes.accelevents.url}  (its webhooks go to parley; try: npx parley simulate --attendees 20)`,
    );
  }
  return app;
}
