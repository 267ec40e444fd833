/**
 * What the console (REST API under /api and the pages under /console) works with. Built once per
 * process by run-parley.ts, and by test/helpers/console-app.ts against the sandbox in tests.
 */
import type { Kysely } from 'kysely';
import type { ConnectionRepository } from '../credentials/types.js';
import type { LiveWorkflows } from '../features/live-workflows.js';
import type { Logger } from '../lib/create-logger.js';
import type { Queue } from '../queue/types.js';
import type { HighLevelAccess } from '../ratelimit/highlevel-access.js';
import type { LocalIndex } from '../search/local-index.js';
import type { DialectName } from '../store/open-database.js';
import type { Database } from '../store/schema.js';
import type { WorkflowStore } from '../workflows/workflow-store.js';
import type { ConsoleConfig } from './console-settings.js';
import type { WorkflowTestRunner } from './studio/test-run-types.js';

export interface ConsoleDeps {
  db: Kysely<Database>;
  dialect: DialectName;
  index: LocalIndex;
  /**
   * The process's paced, audited HighLevel client. Console handlers call it inside
   * `highlevel.runAs(actorOf(caller), …)` so the audit trail (`highlevel_calls`) names the user, and on the
   * `agent` lane, which the rate scheduler serves first.
   */
  highlevel: HighLevelAccess;
  queue: Queue;
  repository: ConnectionRepository;
  config: ConsoleConfig;
  /**
   * The workflows this deployment runs (built-ins per feature, files, and those saved in the console),
   * kept current across processes (src/features/live-workflows.ts).
   */
  workflows: LiveWorkflows;
  /** Where the studio saves workflows and their versions. */
  workflowStore: WorkflowStore;
  /** The scratch store and sandbox target of workflow test runs (src/app/workflow-test-runner.ts). */
  testRuns: WorkflowTestRunner;
  /** The location a request acts for when it names none and the index does not know: the first connected one. */
  defaultLocationId(): Promise<string | null>;
  /** Cookies get `Secure` (true behind HTTPS). */
  secureCookies: boolean;
  logger: Logger;
  now: () => number;
  /** Live event streams (src/console/conversations/live-events.ts): index polling and heartbeat periods. */
  liveEvents?: { pollMs?: number; heartbeatMs?: number };
}

/** The audit actor for a console user's calls. */
export function actorOf(caller: { userId: string }): string {
  return `user:${caller.userId}`;
}
