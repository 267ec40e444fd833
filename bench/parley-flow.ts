/**
 * parley's welcome flow as the pipeline runs it: the real HighLevel client paced by the rate
 * scheduler (src/ratelimit), the workflow engine with its journal on a real SQLite store (WAL), one
 * run per attendee. A failed run is run again, as the queue would (its journal skips finished steps).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHighLevelClient } from '../src/highlevel/client.js';
import type { AfterAttemptInfo } from '../src/highlevel/client-types.js';
import { createLogger } from '../src/lib/create-logger.js';
import { composeAttemptHooks } from '../src/ratelimit/compose-attempt-hooks.js';
import { createRateScheduler } from '../src/ratelimit/create-rate-scheduler.js';
import { rateLimitedHooks } from '../src/ratelimit/rate-limited-hooks.js';
import { openDatabase, type Store } from '../src/store/open-database.js';
import { runWorkflow } from '../src/workflows/run-workflow.js';
import { BENCH_EVENT, type BenchAttendee, loadWelcomeDefinition } from './welcome-flow.js';

export interface ParleyFlowRunner {
  /** The welcome flow for one attendee; resolves when its run completed. */
  run(person: BenchAttendee): Promise<void>;
  /** Statuses seen by the client's afterAttempt hook. */
  counts: { attempts: number; rateLimited: number; reruns: number };
  source: string;
  close(): Promise<void>;
}

export async function createParleyFlowRunner(options: {
  baseUrl: string;
  token: string;
  appId: string;
  locationId: string;
  /** Reruns of a failed run before giving up (the queue's retries). Default 5. */
  maxReruns?: number;
}): Promise<ParleyFlowRunner> {
  const logger = createLogger({ level: 'silent' });
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-'));
  const store: Store = await openDatabase({ dataDir, logger });
  const welcome = loadWelcomeDefinition();
  const counts = { attempts: 0, rateLimited: 0, reruns: 0 };
  const scheduler = createRateScheduler({ mode: 'local', logger });
  const hooks = composeAttemptHooks(rateLimitedHooks(scheduler, { appId: options.appId }), {
    afterAttempt: (info: AfterAttemptInfo) => {
      counts.attempts++;
      if (info.status === 429) counts.rateLimited++;
    },
  });
  const client = createHighLevelClient({
    baseUrl: options.baseUrl,
    auth: { getAccessToken: async () => options.token },
    logger,
    ...hooks,
  });
  const maxReruns = options.maxReruns ?? 5;
  return {
    counts,
    source: welcome.source,
    async run(person) {
      const event = {
        key: `${BENCH_EVENT.id}:${person.id}`,
        locationId: options.locationId,
        data: { attendee: person, event: BENCH_EVENT },
      };
      for (let attempt = 0; ; attempt++) {
        try {
          await runWorkflow({
            definition: welcome.definition,
            event,
            deps: { db: store.db, highlevel: client, logger, engine: welcome.engine, lane: 'welcome' },
          });
          return;
        } catch (error) {
          if (attempt >= maxReruns) throw error;
          counts.reruns++;
        }
      }
    },
    async close() {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
