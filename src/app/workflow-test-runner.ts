/**
 * The console's workflow test runs (src/console/studio/test-run.ts) get their scratch store and their
 * sandbox here, each made on the first test run and reused by the next:
 * - the scratch store is an in-memory SQLite database, migrated once, that only test runs write to;
 * - the sandbox target is the process's running HighLevel sandbox when there is one (`parley start
 *   --sandbox`, a test world), in a location of its own so test contacts and messages stay out of the
 *   location parley serves; otherwise an in-process sandbox on 127.0.0.1, port 0, that nothing else uses.
 * Test runs call the sandbox directly with a token it issues, not through the paced client: its rate
 * buckets and audit trail are the real account's.
 */

import type { TestRunSandbox, WorkflowTestRunner } from '../console/studio/test-run-types.js';
import { createHighLevelClient } from '../highlevel/client.js';
import type { Logger } from '../lib/create-logger.js';
import { type HighLevelSandbox, startHighLevelSandbox } from '../sandbox/highlevel/create-sandbox.js';
import { openMemoryDatabase, type Store } from '../store/open-database.js';
import { SANDBOX_HOST } from './start-sandboxes.js';

/** Sample contacts seeded in the test location, so a step that lists or searches finds some. */
const TEST_LOCATION_ATTENDEES = 3;
export const TEST_LOCATION_NAME = 'Workflow test runs';

export interface WorkflowTestRunnerOptions {
  /** The process's running sandbox: used, never closed. Absent: one is started on the first test run. */
  sandbox?: HighLevelSandbox;
  logger: Logger;
  fetch?: typeof fetch;
}

interface Target {
  sandbox: HighLevelSandbox;
  own: boolean;
  target: TestRunSandbox;
}

export function createWorkflowTestRunner(options: WorkflowTestRunnerOptions): WorkflowTestRunner {
  const logger = options.logger.child({ name: 'workflow-test-runs' });
  let scratch: Promise<Store> | null = null;
  let target: Promise<Target> | null = null;
  let closed = false;

  /** A failed open is not kept: the next test run tries again. */
  function once<T>(current: Promise<T> | null, open: () => Promise<T>, keep: (p: Promise<T> | null) => void) {
    if (current) return current;
    if (closed) throw new Error('the workflow test runner is closed');
    const opening = open();
    keep(opening);
    opening.catch(() => keep(null));
    return opening;
  }

  async function startTarget(): Promise<Target> {
    const own = options.sandbox === undefined;
    const sandbox =
      options.sandbox ??
      (await startHighLevelSandbox({
        port: 0,
        host: SANDBOX_HOST,
        attendees: TEST_LOCATION_ATTENDEES,
        logger: logger.child({ name: 'highlevel-sandbox' }),
      }));
    const locationId = own
      ? sandbox.defaultLocationId
      : sandbox.addLocation({ name: TEST_LOCATION_NAME, attendees: TEST_LOCATION_ATTENDEES }).location.id;
    let token: string | null = null;
    const highlevel = createHighLevelClient({
      auth: {
        getAccessToken: async ({ forceRefresh }) => {
          if (token === null || forceRefresh) token = sandbox.issueToken({ kind: 'pit', locationId }).accessToken;
          return token;
        },
      },
      baseUrl: sandbox.url,
      // A test run shows the first failure as it is; the real pipeline's retries belong to the queue.
      maxRetries: 0,
      logger: logger.child({ name: 'highlevel' }),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    logger.info({ sandbox: sandbox.url, locationId, own }, 'workflow test runs use the HighLevel sandbox');
    return { sandbox, own, target: { highlevel, locationId } };
  }

  return {
    async scratch() {
      const store = await once(scratch, openMemoryDatabase, (p) => {
        scratch = p;
      });
      return store.db;
    },
    async sandbox() {
      const opened = await once(target, startTarget, (p) => {
        target = p;
      });
      return opened.target;
    },
    async close() {
      closed = true;
      const [store, opened] = await Promise.all([
        scratch?.catch(() => null) ?? null,
        target?.catch(() => null) ?? null,
      ]);
      scratch = null;
      target = null;
      await store?.close();
      if (opened?.own) await opened.sandbox.close();
    },
  };
}
