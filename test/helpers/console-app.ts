/**
 * A real console on a real Fastify app for tests: the HighLevel sandbox (seeded with sample attendees),
 * a test database (SQLite or PostgreSQL), the paced and audited HighLevel client, the local index
 * (synced from the sandbox once), the real connection repository, and one user plus API token per role.
 * Call `listen()` to get a base URL for browser tests; API tests can use `app.inject`.
 *
 *   const console = await startConsoleApp('sqlite');
 *   await console.app.inject({ url: '/api/conversations', headers: console.auth('agent') });
 *   await console.close();
 */
import type { FastifyInstance } from 'fastify';
import { applyFileDefaults } from '../../src/app/file-config-defaults.js';
import { composeServices, composeWorkflows } from '../../src/app/open-runtime.js';
import { createWorkflowTestRunner } from '../../src/app/workflow-test-runner.js';
import type { Role } from '../../src/console/auth/roles.js';
import { addUser, createApiToken } from '../../src/console/auth/user-accounts.js';
import type { ConsoleDeps } from '../../src/console/console-deps.js';
import { registerConsole } from '../../src/console/register-console.js';
import { createLogger } from '../../src/lib/create-logger.js';
import { createQueue } from '../../src/queue/create-queue.js';
import { createApp } from '../../src/server/create-app.js';
import { openConnectionStack } from '../credentials/fixtures/open-connections.js';
import { type DatabaseKind, openTestDatabase, type TestDatabase } from './databases.js';
import { TEST_PASSWORD_COST } from './password-cost.js';
import { type SandboxHandle, withSandbox } from './sandbox.js';

export const CONSOLE_PASSWORD = 'a long enough password';
export const CONSOLE_ROLES: readonly Role[] = ['viewer', 'agent', 'admin', 'sponsor'];

export interface ConsoleApp {
  app: FastifyInstance;
  deps: ConsoleDeps;
  database: TestDatabase;
  sandbox: SandboxHandle;
  locationId: string;
  /** `${role}@parley.test` for each role; password CONSOLE_PASSWORD. */
  email(role: Role): string;
  /** `{ authorization: 'Bearer pk_…' }` for the role's API token. */
  auth(role: Role): { authorization: string };
  /** Starts listening on 127.0.0.1:0 (once) and returns the base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export interface ConsoleAppOptions {
  /** Sample attendees seeded in the sandbox's default location. Default 10. */
  attendees?: number;
  /** Sync the index from the sandbox before returning. Default true. */
  sync?: boolean;
  /** Config file content (as parsed YAML) merged over the defaults, e.g. `{ sponsor: { staffContactIds: [...] } }`. */
  config?: Record<string, unknown>;
  now?: () => number;
}

export async function startConsoleApp(kind: DatabaseKind, options: ConsoleAppOptions = {}): Promise<ConsoleApp> {
  const logger = createLogger({ level: 'silent' });
  const [sandbox, database] = await Promise.all([
    withSandbox({ attendees: options.attendees ?? 10 }),
    openTestDatabase(kind),
  ]);
  const { store } = database;
  const now = options.now ?? Date.now;
  const config = applyFileDefaults(options.config ?? {}, { env: {}, port: 0, sandboxUrl: sandbox.url });
  const { repository } = await openConnectionStack(store, { baseUrl: sandbox.url, logger });
  const locationId = sandbox.sandbox.defaultLocationId;
  const tokens = new Map<string, string>();
  // The same shared services `parley start` builds (src/app/open-runtime.ts), with tokens the sandbox issues.
  const { index, highlevel: access } = composeServices({
    store,
    config,
    auth: {
      getAccessToken: async ({ locationId: wanted, forceRefresh }) => {
        const key = wanted ?? locationId;
        if (forceRefresh || !tokens.has(key)) {
          tokens.set(key, sandbox.sandbox.issueToken({ locationId: key, ttlSeconds: 86_400 }).accessToken);
        }
        return tokens.get(key) as string;
      },
    },
    logger,
    now,
  });
  if (options.sync ?? true) await index.syncLocation({ client: access.client, locationId, since: null });

  const deps: ConsoleDeps = {
    db: store.db,
    dialect: store.dialect,
    index,
    highlevel: access,
    queue: createQueue({ store, now }),
    repository,
    config,
    ...composeWorkflows({ store, config, now, checkMs: 0 }),
    // Test runs use this world's sandbox, in a location of their own (src/app/workflow-test-runner.ts).
    testRuns: createWorkflowTestRunner({ sandbox: sandbox.sandbox, logger }),
    defaultLocationId: async () => locationId,
    secureCookies: false,
    logger,
    now,
  };
  const app = createApp({ logger, checkReady: async () => ({}) });
  await registerConsole(app, deps);
  await app.ready();

  const apiTokens = new Map<Role, string>();
  // One scrypt hash per user at the test cost (test/helpers/password-cost.ts), hashed side by side.
  await Promise.all(
    CONSOLE_ROLES.map(async (role) => {
      const user = await addUser(store.db, {
        email: `${role}@parley.test`,
        password: CONSOLE_PASSWORD,
        role,
        passwordCost: TEST_PASSWORD_COST,
      });
      apiTokens.set(role, (await createApiToken(store.db, { email: user.email, name: 'tests' })).token);
    }),
  );
  let baseUrl: string | null = null;
  return {
    app,
    deps,
    database,
    sandbox,
    locationId,
    email: (role) => `${role}@parley.test`,
    auth: (role) => ({ authorization: `Bearer ${apiTokens.get(role)}` }),
    async listen() {
      if (baseUrl === null) {
        await app.listen({ port: 0, host: '127.0.0.1' });
        const address = app.server.address();
        baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      }
      return baseUrl;
    },
    async close() {
      await app.close();
      await deps.testRuns.close();
      await database.dispose();
      await sandbox.close();
    },
  };
}
