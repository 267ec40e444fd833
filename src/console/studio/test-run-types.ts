/**
 * What a workflow test run (POST /api/workflows/:name/test, test-run.ts) needs from the composition
 * root: a scratch store to journal into, so the real run history, links, preferences and dedupe never
 * see a test, and the sandbox target. src/app/workflow-test-runner.ts implements it; only `app` may
 * start a sandbox (docs/architecture.md, folder rules).
 */
import type { Kysely } from 'kysely';
import type { HighLevelCaller } from '../../highlevel/client-types.js';
import type { Database } from '../../store/schema.js';

/** Where a test run's HighLevel calls go when it is not live. */
export interface TestRunSandbox {
  highlevel: HighLevelCaller;
  /** The sandbox location the run acts for (it has sample contacts). */
  locationId: string;
}

export interface WorkflowTestRunner {
  /** An in-memory, migrated store private to this process; opened on first use and reused. */
  scratch(): Promise<Kysely<Database>>;
  /** The HighLevel sandbox target; started on first use and reused. */
  sandbox(): Promise<TestRunSandbox>;
  /** Closes what was opened (the process's closers call it). */
  close(): Promise<void>;
}
