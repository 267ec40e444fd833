/**
 * `runParley` as `parley serve` runs it (HTTP only, HighLevel target live, no worker) in this process, on a fresh
 * SQLite data directory or PostgreSQL database, with a second store on the same database for the test
 * and an API token per call to `token()`.
 */
import { addUser, createApiToken } from '../../src/console/auth/user-accounts.js';
import type { Store } from '../../src/store/open-database.js';
import type { DatabaseKind } from '../helpers/databases.js';
import { launchParley } from '../helpers/launch-parley.js';
import { TEST_PASSWORD_COST } from '../helpers/password-cost.js';

export interface RunningParley {
  url: string;
  /** The SQLite data directory; null on PostgreSQL. */
  dataDir: string | null;
  /** The PostgreSQL URL; null on SQLite. */
  databaseUrl: string | null;
  store: Store;
  /** A new API token for a viewer, as `{ authorization }` headers, with its row id. */
  token(): Promise<{ id: string; headers: { authorization: string } }>;
  stop(): Promise<void>;
}

export async function startServe(
  kind: DatabaseKind,
  /** `config`: more top-level YAML for parley.config.yaml (after the `highlevel:` block). */
  options: { config?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<RunningParley> {
  // A live target: nothing runs without the sandboxes, and nothing here calls HighLevel.
  const parley = await launchParley({
    kind,
    worker: false,
    sandbox: false,
    prefix: 'parley-serve-',
    config: `highlevel:\n  target: live\n  clientId: parley-test-app\n${options.config ?? ''}`,
    env: { HIGHLEVEL_CLIENT_SECRET: 'parley-test-secret', ...options.env },
  });
  const { store } = parley;
  let users = 0;
  return {
    url: parley.url,
    dataDir: parley.dataDir,
    databaseUrl: parley.databaseUrl,
    store,
    async token() {
      const email = `viewer${++users}@parley.test`;
      await addUser(store.db, {
        email,
        password: 'a long enough password',
        role: 'viewer',
        passwordCost: TEST_PASSWORD_COST,
      });
      const { id, token } = await createApiToken(store.db, { email, name: 'tests' });
      return { id, headers: { authorization: `Bearer ${token}` } };
    },
    stop: parley.stop,
  };
}
