/**
 * The job side of parley: the worker, the job handlers, the Accelevents pollers and the index
 * maintenance. `composeJobs` takes explicit collaborators, so a sandbox or a test can stand in for any
 * of them; `jobsFromRuntime` takes them from the composition root (open-runtime.ts), which is what
 * `parley start` and `parley worker` run. Absent collaborators are made here: a queue over the store, a
 * rate scheduler (`shared` on PostgreSQL so every process paces one bucket per location, `local` on
 * SQLite) and a HighLevel client whose every attempt waits for its lane's slot and is audited.
 */

import type { AcceleventsClient } from '../accelevents/client.js';
import { appIdOf } from '../connect/highlevel/oauth-routes.js';
import { acceleventsClientFromConnection } from '../credentials/accelevents-client.js';
import { routedSponsors } from '../features/sponsor-channel-status.js';
import type { HighLevelClient } from '../highlevel/client.js';
import type { HighLevelAuth } from '../highlevel/client-types.js';
import type { MappedPayload } from '../intake/map-payload.js';
import { refetchRecord } from '../intake/refetch-record.js';
import type { AcceleventsWebhookSettings } from '../intake/webhook-settings.js';
import type { AcceleventsEventHandlerDeps } from '../jobs/handlers/accelevents-event-handler.js';
import { marketplaceFireHandler } from '../jobs/handlers/marketplace-fire-handler.js';
import { createMarketplacePlanner } from '../jobs/handlers/marketplace-planner.js';
import { createIndexMaintenance, type IndexMaintenanceSettings } from '../jobs/index-maintenance.js';
import { PipelineError } from '../jobs/job-error.js';
import { createPipelineHandlers } from '../jobs/job-handlers.js';
import type { LocationResolver } from '../jobs/location-resolver.js';
import { createLocationResolver } from '../jobs/location-resolver.js';
import { createReconciler } from '../jobs/pollers/reconciler.js';
import { createPollerHandlers, type PollerSchedule, schedulePollers } from '../jobs/pollers/schedule-pollers.js';
import { createSessionEndedHandler } from '../jobs/pollers/session-ended-handler.js';
import { createSessionPoller, SESSION_ENDED_JOB } from '../jobs/pollers/session-poller.js';
import type { SessionEventInput } from '../jobs/pollers/session-settings.js';
import { createRunRetention } from '../jobs/run-retention.js';
import type { Logger } from '../lib/create-logger.js';
import { createTemplateEngine } from '../lib/template-engine.js';
import type { TargetAuth } from '../marketplace/deliver-firing.js';
import { MARKETPLACE_FIRE_JOB } from '../marketplace/plan-firings.js';
import type { BackoffOptions } from '../queue/backoff.js';
import { createQueue } from '../queue/create-queue.js';
import { createWorker, type Worker } from '../queue/create-worker.js';
import type { JobHandler, Queue } from '../queue/types.js';
import type { RateSchedulerOptions } from '../ratelimit/create-rate-scheduler.js';
import { createHighLevelAccess, type HighLevelAccess } from '../ratelimit/highlevel-access.js';
import type { RateScheduler } from '../ratelimit/types.js';
import { createLocalIndex, type LocalIndex } from '../search/local-index.js';
import type { SponsorConfig } from '../search/sponsor-settings.js';
import type { Store } from '../store/open-database.js';
import type { Workflows } from '../workflows/workflow-source.js';
import type { Runtime } from './open-runtime.js';

export interface ComposeJobsOptions {
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
  /** A fixed list, or the runtime's live one (edits in the console apply to the next event). */
  workflows: Workflows;
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
  /** The process's queue (the composition root's); made here when absent. */
  queue?: Queue;
  /** The process's local conversation index (the composition root's); made here when absent. */
  index?: LocalIndex;
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
  /** Config `runs.retentionDays`: a daily job deletes older runs (null keeps them). Absent: no retention job. */
  runRetentionDays?: number | null;
  /**
   * The `marketplace` feature is on: events plan HighLevel workflow trigger firings
   * (src/marketplace/plan-firings.ts). Firing jobs already queued are delivered either way.
   */
  marketplace?: { targetAuth: TargetAuth };
}

export interface ComposedJobs {
  queue: Queue;
  scheduler: RateScheduler;
  client: HighLevelClient;
  worker: Worker;
  handlers: Record<string, JobHandler>;
  workflows: Workflows;
  start(): void;
  /** Stops the worker (running jobs get `graceMs` to finish, then are failed as retryable). */
  stop(options?: { graceMs?: number }): Promise<void>;
}

export function composeJobs(options: ComposeJobsOptions): ComposedJobs {
  for (const name of ['store', 'auth', 'baseUrl', 'appId', 'workflows', 'locations', 'logger'] as const) {
    if (!options?.[name]) throw new PipelineError('missing_dependency', `composeJobs: options.${name} is required`);
  }
  const { store, logger } = options;
  const now = options.now ?? Date.now;
  const queue = options.queue ?? createQueue({ store, now, ...(options.backoff ? { backoff: options.backoff } : {}) });
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
        index: options.index ?? createLocalIndex({ db: store.db, dialect: store.dialect, now }),
        client,
        logger: logger.child({ name: 'index' }),
        now,
      })
    : null;
  const marketplace = options.marketplace
    ? createMarketplacePlanner({ db: store.db, queue, logger: logger.child({ name: 'marketplace' }), now })
    : undefined;
  const fireMarketplace = marketplaceFireHandler({
    db: store.db,
    scheduler,
    appId: options.appId,
    auth: options.auth,
    targetAuth: options.marketplace?.targetAuth ?? 'bearer',
    logger: logger.child({ name: 'marketplace' }),
    now,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
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
    ...(marketplace ? { marketplace } : {}),
  });
  const pollers = options.accelevents ? pollerHandlers(options.accelevents) : {};
  const runRetention =
    options.runRetentionDays === undefined
      ? null
      : createRunRetention({
          queue,
          db: store.db,
          days: options.runRetentionDays,
          logger: logger.child({ name: 'runs' }),
          now,
        });
  const handlers = Object.fromEntries(
    Object.entries({
      ...raw,
      ...pollers,
      ...maintenance?.handlers,
      ...runRetention?.handlers,
      [MARKETPLACE_FIRE_JOB]: fireMarketplace,
    }).map(([kind, handler]): [string, JobHandler] => [
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
  function pollerHandlers(accelevents: NonNullable<ComposeJobsOptions['accelevents']>): Record<string, JobHandler> {
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
          ...(marketplace ? { alsoWanted: () => marketplace.subscribed('accelevents_session_ended') } : {}),
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
        ...(marketplace ? { marketplace } : {}),
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
      runRetention
        ?.schedule()
        .catch((error: unknown) => logger.error({ err: error }, 'could not schedule workflow run retention'));
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

export interface JobsFromRuntimeOptions {
  logger?: Logger;
  concurrency?: number;
}

/**
 * The jobs from the composition root's services: tokens from the token manager, the workflows the
 * enabled features switch on, and the location the runs act for (config `events[].locationId`, else the
 * first connected location).
 */
export async function jobsFromRuntime(runtime: Runtime, options: JobsFromRuntimeOptions = {}): Promise<ComposedJobs> {
  const { config, store, repository, tokenManager } = runtime;
  const logger = options.logger ?? runtime.logger;
  const { workflows } = runtime;
  // A broken saved workflow or file fails start-up here, not the first job.
  await workflows.current();
  const sponsors = routedSponsors(config);
  const byEvent = Object.fromEntries(
    config.events.flatMap((e) => (e.locationId ? [[e.eventUrl, e.locationId] as const] : [])),
  );
  const eventNames = Object.fromEntries(config.events.flatMap((e) => (e.name ? [[e.eventUrl, e.name] as const] : [])));
  const connected = await repository.list({ provider: 'highlevel', callable: true });
  const location = connected.find((c) => c.locationId !== null && c.status === 'ok');
  // Polling needs an Accelevents connection and events to watch: reconciliation welcomes every attendee
  // it finds without an inbox row, so it only ever runs for events the config names.
  const refetch = config.accelevents.webhook?.refetch === true;
  const accelevents =
    config.events.length > 0 || refetch
      ? await acceleventsClientFromConnection({ repository, config, logger: logger })
      : null;
  if (refetch && !accelevents) {
    logger.warn(
      'accelevents.webhook.refetch is on but no Accelevents connection exists: payloads are trusted as they come',
    );
  }
  return composeJobs({
    store,
    auth: tokenManager.tokenSource(),
    baseUrl: config.highlevel.baseUrl,
    appId: appIdOf(config.highlevel.clientId),
    workflows,
    locations: createLocationResolver({ byEvent, defaultLocationId: location?.locationId ?? null }),
    eventNames,
    // Webhooks are unsigned (docs/accelevents-assumptions.md): with `refetch`, a delivery is a hint and the
    // record is read back before acting.
    ...(accelevents && refetch ? { refetch: (mapped: MappedPayload) => refetchRecord(mapped, accelevents) } : {}),
    ...(accelevents && config.events.length > 0
      ? {
          accelevents: {
            client: accelevents,
            sessionEvents: config.events.filter((e) => e.sessionsPoll),
            reconcileEvents: config.events.map((e) => e.eventUrl),
            ...(config.accelevents.webhook ? { webhook: config.accelevents.webhook } : {}),
          },
        }
      : {}),
    logger: logger,
    indexMaintenance: {
      // Read at each schedule, so a location connected later is mirrored after the next restart.
      locations: async () =>
        (await repository.list({ provider: 'highlevel', callable: true })).flatMap((c) =>
          c.locationId !== null && c.status === 'ok' ? [c.locationId] : [],
        ),
      syncMinutes: config.console.indexSyncMinutes,
      retention: config.console.retention,
      sponsorContactIds: config.sponsor.staffContactIds,
      sponsors,
    },
    sponsors,
    runRetentionDays: config.runs.retentionDays,
    ...(config.features.includes('marketplace') ? { marketplace: { targetAuth: config.marketplace.targetAuth } } : {}),
    queue: runtime.queue,
    index: runtime.index,
    access: runtime.highlevel,
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
  });
}
