/**
 * The pipeline from explicit collaborators, so a sandbox or a test can stand in for any of them: queue
 * over the store, rate scheduler (`shared` on PostgreSQL so every process paces one bucket per location,
 * `local` on SQLite), a HighLevel client whose every attempt waits for its lane's slot and is audited,
 * the job handlers, and a worker.
 * create-pipeline.ts builds these collaborators from a runtime; tests and `simulate` may pass their own.
 */
import type { AcceleventsClient } from '../accelevents/client.js';
import type { AcceleventsWebhookSettings } from '../config/config-types.js';
import type { SponsorConfig } from '../config/sponsor-settings.js';
import type { HighLevelClient } from '../highlevel/client.js';
import type { HighLevelAuth } from '../highlevel/client-types.js';
import type { AcceleventsEventHandlerDeps } from '../jobs/handlers/accelevents-event-handler.js';
import { createIndexMaintenance, type IndexMaintenanceSettings } from '../jobs/index-maintenance.js';
import { PipelineError } from '../jobs/job-error.js';
import { createPipelineHandlers } from '../jobs/job-handlers.js';
import type { LocationResolver } from '../jobs/location-resolver.js';
import { createReconciler } from '../jobs/pollers/reconciler.js';
import { createPollerHandlers, type PollerSchedule, schedulePollers } from '../jobs/pollers/schedule-pollers.js';
import { createSessionEndedHandler } from '../jobs/pollers/session-ended-handler.js';
import { createSessionPoller, SESSION_ENDED_JOB } from '../jobs/pollers/session-poller.js';
import type { SessionEventInput } from '../jobs/pollers/session-settings.js';
import type { Logger } from '../lib/create-logger.js';
import { createTemplateEngine } from '../lib/template-engine.js';
import type { BackoffOptions } from '../queue/backoff.js';
import { createQueue } from '../queue/create-queue.js';
import { createWorker, type Worker } from '../queue/create-worker.js';
import type { JobHandler, Queue } from '../queue/types.js';
import type { RateSchedulerOptions } from '../ratelimit/create-rate-scheduler.js';
import { createHighLevelAccess, type HighLevelAccess } from '../ratelimit/highlevel-access.js';
import type { RateScheduler } from '../ratelimit/types.js';
import { createLocalIndex } from '../search/local-index.js';
import type { Store } from '../store/open-database.js';
import type { WorkflowDefinition } from '../workflows/definition-schema.js';

export interface ComposePipelineOptions {
  store: Store;
  /** Tokens per location: the token manager's `tokenSource()`, or a sandbox-issued token. */
  auth: HighLevelAuth;
  /** HighLevel API base URL (the sandbox's in sandbox mode). */
  baseUrl: string;
  /**
   * The Marketplace app id the rate buckets are keyed by: limits are per app per location
   * (https://marketplace.gohighlevel.com/docs/other/rate-limits).
   */
  appId: string;
  workflows: readonly WorkflowDefinition[];
  locations: LocationResolver;
  logger: Logger;
  /** Jobs run at once. Default 8. */
  concurrency?: number;
  /** Default 30 s. */
  leaseMs?: number;
  /** Default 250 ms. */
  pollMs?: number;
  now?: () => number;
  fetch?: typeof globalThis.fetch;
  refetch?: AcceleventsEventHandlerDeps['refetch'];
  eventNames?: Record<string, string>;
  /** Job retry backoff (default 1 s doubling, capped at 5 min). */
  backoff?: BackoffOptions;
  /** Scheduler settings beyond mode and store (e.g. `defaults` for a scaled-down window). */
  scheduler?: Partial<Omit<RateSchedulerOptions, 'mode' | 'store'>>;
  /** HighLevel client settings (e.g. `timeoutMs`, `maxRetries`). */
  client?: { timeoutMs?: number; maxRetries?: number };
  /**
   * A paced, audited client already made for this process (run-parley shares one with the console);
   * when given, `auth`, `baseUrl`, `fetch`, `scheduler` and `client` are not used to make another.
   */
  access?: HighLevelAccess;
  /**
   * Accelevents polling: session end times for `sessionEvents` (Accelevents has no
   * "session ended" webhook) and reconciliation of `reconcileEvents`' attendees against the inbox.
   */
  accelevents?: {
    client: AcceleventsClient;
    /** Event URLs, or their settings (time zone, recipients, labels: pollers/session-settings.ts). */
    sessionEvents: readonly SessionEventInput[];
    reconcileEvents: string[];
    webhook?: AcceleventsWebhookSettings;
    schedule?: PollerSchedule;
  };
  /** Keeps the local conversation index right: periodic overlap syncs per location and daily retention. */
  indexMaintenance?: IndexMaintenanceSettings;
  /** Config `sponsor.sponsors` when the sponsor channel is on: attendees' inbound messages are routed to them. */
  sponsors?: readonly SponsorConfig[];
}

export interface ComposedPipeline {
  queue: Queue;
  scheduler: RateScheduler;
  client: HighLevelClient;
  worker: Worker;
  handlers: Record<string, JobHandler>;
  workflows: readonly WorkflowDefinition[];
  start(): void;
  /** Stops the worker (running jobs get `graceMs` to finish, then are failed as retryable). */
  stop(options?: { graceMs?: number }): Promise<void>;
}

export function composePipeline(options: ComposePipelineOptions): ComposedPipeline {
  for (const name of ['store', 'auth', 'baseUrl', 'appId', 'workflows', 'locations', 'logger'] as const) {
    if (!options?.[name]) throw new PipelineError('missing_dependency', `composePipeline: options.${name} is required`);
  }
  const { store, logger } = options;
  const now = options.now ?? Date.now;
  const queue = createQueue({ store, now, ...(options.backoff ? { backoff: options.backoff } : {}) });
  // Every HighLevel call is audited; its actor is the job whose handler made the call, else 'pipeline'.
  const access =
    options.access ??
    createHighLevelAccess({
      store,
      auth: options.auth,
      baseUrl: options.baseUrl,
      appId: options.appId,
      logger,
      now,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.scheduler ? { scheduler: options.scheduler } : {}),
      ...(options.client ? { client: options.client } : {}),
    });
  const { client, scheduler } = access;
  const maintenance = options.indexMaintenance
    ? createIndexMaintenance({
        ...options.indexMaintenance,
        queue,
        db: store.db,
        index: createLocalIndex({ db: store.db, dialect: store.dialect, now }),
        client,
        logger: logger.child({ name: 'index' }),
        now,
      })
    : null;
  const raw = createPipelineHandlers({
    db: store.db,
    highlevel: client,
    workflows: options.workflows,
    locations: options.locations,
    logger: logger.child({ name: 'workflows' }),
    engine: createTemplateEngine(),
    now,
    ...(options.refetch ? { refetch: options.refetch } : {}),
    ...(options.eventNames ? { eventNames: options.eventNames } : {}),
    ...(options.sponsors ? { sponsors: options.sponsors } : {}),
  });
  const pollers = options.accelevents ? pollerHandlers(options.accelevents) : {};
  const handlers = Object.fromEntries(
    Object.entries({ ...raw, ...pollers, ...maintenance?.handlers }).map(([kind, handler]): [string, JobHandler] => [
      kind,
      (job, context) => access.runAs(`job:${job.id}`, () => handler(job, context)),
    ]),
  );
  const worker = createWorker({
    queue,
    handlers,
    concurrency: options.concurrency ?? 8,
    leaseMs: options.leaseMs ?? 30_000,
    pollMs: options.pollMs ?? 250,
    logger: logger.child({ name: 'worker' }),
  });
  function pollerHandlers(accelevents: NonNullable<ComposePipelineOptions['accelevents']>): Record<string, JobHandler> {
    const pollLogger = logger.child({ name: 'pollers' });
    return {
      ...createPollerHandlers({
        queue,
        sessions: createSessionPoller({
          queue,
          accelevents: accelevents.client,
          db: store.db,
          events: accelevents.sessionEvents,
          workflows: options.workflows,
          logger: pollLogger,
          now,
        }),
        reconciler: createReconciler({
          db: store.db,
          queue,
          accelevents: accelevents.client,
          events: accelevents.reconcileEvents,
          logger: pollLogger,
          now,
          ...(accelevents.webhook ? { webhook: accelevents.webhook } : {}),
        }),
        ...(accelevents.schedule ? { config: accelevents.schedule } : {}),
        logger: pollLogger,
        now,
      }),
      [SESSION_ENDED_JOB]: createSessionEndedHandler({
        accelevents: accelevents.client,
        workflows: options.workflows,
        locations: options.locations,
        run: { db: store.db, highlevel: client, now, logger: pollLogger, engine: createTemplateEngine() },
        events: accelevents.sessionEvents,
        logger: pollLogger,
      }),
    };
  }

  return {
    queue,
    scheduler,
    client,
    worker,
    handlers,
    workflows: options.workflows,
    start: () => {
      worker.start();
      maintenance
        ?.schedule()
        .catch((error: unknown) => logger.error({ err: error }, 'could not schedule index maintenance'));
      if (options.accelevents) {
        // Each poll job enqueues its next slot; the slot's dedupe key keeps several processes to one chain.
        schedulePollers({
          queue,
          now,
          ...(options.accelevents.schedule ? { config: options.accelevents.schedule } : {}),
        }).catch((error: unknown) => logger.error({ err: error }, 'could not schedule the Accelevents pollers'));
      }
    },
    stop: (stopOptions) => worker.stop(stopOptions),
  };
}
