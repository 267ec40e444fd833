/**
 * parley as one process runs it, on one test database: the console (API and pages), the Accelevents
 * intake route and POST /hooks/highlevel on a real port, and the pipeline's worker (the built-in
 * registration welcome and the `highlevel.event` job) against the HighLevel sandbox. No index sync is
 * scheduled, so whatever the index holds came from parley's own writes or from webhooks. With
 * `highlevelWebhooks`, the sandbox's signed webhooks go to parley, as in sandbox mode.
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { type ComposedJobs, composeJobs } from '../../../src/app/compose-jobs.js';
import { applyFileDefaults } from '../../../src/app/file-config-defaults.js';
import { composeServices, composeWorkflows } from '../../../src/app/open-runtime.js';
import { createWorkflowTestRunner } from '../../../src/app/workflow-test-runner.js';
import type { Role } from '../../../src/console/auth/roles.js';
import { addUser, createApiToken } from '../../../src/console/auth/user-accounts.js';
import type { ConsoleDeps } from '../../../src/console/console-deps.js';
import { registerConsole } from '../../../src/console/register-console.js';
import { createHighLevelTokenClient } from '../../../src/highlevel/oauth/token-client.js';
import { registerAcceleventsWebhookRoute } from '../../../src/intake/accelevents-webhook-route.js';
import { parseWebhookKeys } from '../../../src/intake/highlevel/webhook-keys.js';
import { registerHighLevelWebhookRoute } from '../../../src/intake/highlevel/webhook-route.js';
import { createAcceleventsWebhookSecret } from '../../../src/intake/webhook-secret.js';
import { createLocationResolver } from '../../../src/jobs/location-resolver.js';
import { createLogger } from '../../../src/lib/create-logger.js';
import { createApp } from '../../../src/server/create-app.js';
import { openConnectionStack } from '../../credentials/fixtures/open-connections.js';
import { CONSOLE_PASSWORD, CONSOLE_ROLES } from '../../helpers/console-app.js';
import { type DatabaseKind, openTestDatabase, type TestDatabase } from '../../helpers/databases.js';
import { TEST_PASSWORD_COST } from '../../helpers/password-cost.js';
import { type SandboxHandle, withSandbox } from '../../helpers/sandbox.js';

export { CONSOLE_PASSWORD };

export interface ParleyWorld {
  app: FastifyInstance;
  deps: ConsoleDeps;
  database: TestDatabase;
  sandbox: SandboxHandle;
  pipeline: ComposedJobs;
  locationId: string;
  /** parley's base URL. */
  url: string;
  /** POST registrations here (the Accelevents intake route with its secret). */
  hookUrl: string;
  email(role: Role): string;
  auth(role: Role): { authorization: string };
  close(): Promise<void>;
}

export interface ParleyWorldOptions {
  /** Sample attendees (with conversations) in the sandbox location. Default 2. */
  attendees?: number;
  /** Point the HighLevel sandbox's webhooks at parley's /hooks/highlevel. Default false. */
  highlevelWebhooks?: boolean;
  /** Live event polling and heartbeat for the console's event streams. */
  liveEvents?: ConsoleDeps['liveEvents'];
  /**
   * The console believes HighLevel is the live account (`highlevel.target: live`), so the studio asks
   * for a sandbox test before publishing a workflow that sends; every call still goes to the sandbox.
   */
  consoleTargetsLive?: boolean;
}

export const EVENT_URL = 'devconf-2026';
export const EVENT_NAME = 'DevConf 2026';

export async function startParleyWorld(kind: DatabaseKind, options: ParleyWorldOptions = {}): Promise<ParleyWorld> {
  const logger = createLogger({ level: 'silent' });
  const [sandbox, database] = await Promise.all([
    withSandbox({
      attendees: options.attendees ?? 2,
      burstLimit: 1_000,
      burstIntervalMs: 1_000,
      dailyLimit: 10_000_000,
    }),
    openTestDatabase(kind),
  ]);
  const { store } = database;
  const locationId = sandbox.sandbox.defaultLocationId;
  const token = sandbox.sandbox.issueToken({ locationId, ttlSeconds: 86_400 }).accessToken;
  const auth = { getAccessToken: async () => token };
  const config = applyFileDefaults({}, { env: {}, port: 0, sandboxUrl: sandbox.url });
  // The same shared services `parley start` builds (src/app/open-runtime.ts), with a sandbox-issued token.
  const { index, highlevel: access } = composeServices({ store, config, auth, logger });
  const studio = composeWorkflows({ store, config: { ...config, features: ['registration-welcome'] }, checkMs: 0 });
  const pipeline = composeJobs({
    store,
    auth,
    baseUrl: sandbox.url,
    appId: sandbox.sandbox.appId,
    workflows: studio.workflows,
    locations: createLocationResolver({ defaultLocationId: locationId }),
    eventNames: { [EVENT_URL]: EVENT_NAME },
    logger,
    access,
    index,
    concurrency: 4,
    pollMs: 20,
    backoff: { baseMs: 50, capMs: 500 },
  });
  const { repository } = await openConnectionStack(store, { baseUrl: sandbox.url, logger });
  const deps: ConsoleDeps = {
    db: store.db,
    dialect: store.dialect,
    index,
    highlevel: access,
    queue: pipeline.queue,
    repository,
    config: options.consoleTargetsLive ? { ...config, highlevel: { ...config.highlevel, target: 'live' } } : config,
    ...studio,
    // Test runs use this world's sandbox, in a location of their own (src/app/workflow-test-runner.ts).
    testRuns: createWorkflowTestRunner({ sandbox: sandbox.sandbox, logger }),
    defaultLocationId: async () => locationId,
    secureCookies: false,
    logger,
    now: Date.now,
    ...(options.liveEvents ? { liveEvents: options.liveEvents } : {}),
  };
  const app = createApp({ logger, checkReady: async () => ({}) });
  await registerConsole(app, deps);
  await registerAcceleventsWebhookRoute(app, { db: store.db, queue: pipeline.queue, logger });
  const keys = sandbox.sandbox.webhookPublicKeys;
  await registerHighLevelWebhookRoute(app, {
    keys: parseWebhookKeys({ ed25519: [keys.ed25519], rsa: [keys.rsa] }),
    repository,
    tokenClient: createHighLevelTokenClient({
      baseUrl: sandbox.url,
      clientId: sandbox.sandbox.clientId,
      clientSecret: sandbox.sandbox.clientSecret,
    }),
    appId: sandbox.sandbox.appId,
    logger,
    inbox: { db: store.db, queue: pipeline.queue },
  });
  const secret = await createAcceleventsWebhookSecret(store.db);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  if (options.highlevelWebhooks) sandbox.sandbox.webhooks.setUrl(`${url}/hooks/highlevel`);

  const tokens = new Map<Role, string>();
  // One scrypt hash per user at the test cost (test/helpers/password-cost.ts), hashed side by side.
  await Promise.all(
    CONSOLE_ROLES.map(async (role) => {
      const user = await addUser(store.db, {
        email: `${role}@parley.test`,
        password: CONSOLE_PASSWORD,
        role,
        passwordCost: TEST_PASSWORD_COST,
      });
      tokens.set(role, (await createApiToken(store.db, { email: user.email, name: 'tests' })).token);
    }),
  );
  pipeline.start();
  return {
    app,
    deps,
    database,
    sandbox,
    pipeline,
    locationId,
    url,
    hookUrl: `${url}/hooks/accelevents/${secret}`,
    email: (role) => `${role}@parley.test`,
    auth: (role) => ({ authorization: `Bearer ${tokens.get(role)}` }),
    async close() {
      await pipeline.stop({ graceMs: 1_000 });
      await app.close();
      await deps.testRuns.close();
      await database.dispose();
      await sandbox.close();
    },
  };
}

/** Polls until `check` returns something other than undefined; fails after `boundMs` (a bound, not a timing assertion). */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, boundMs = 30_000): Promise<T> {
  const deadline = Date.now() + boundMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${boundMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
