/**
 * The pipeline from a runtime (what `parley start` and `parley worker` run): tokens from the token
 * manager, the HighLevel base URL and app id from config, the workflows the enabled features switch on,
 * and the location the runs act for (config `events[].locationId`, else the first connected location).
 */

import { appIdOf } from '../connect/highlevel/oauth-routes.js';
import { acceleventsClientFromConnection } from '../credentials/accelevents-client.js';
import { loadEnabledWorkflows } from '../features/enabled-workflows.js';
import { polledSessionEvents } from '../features/session-followups.js';
import { routedSponsors } from '../features/sponsor-channel-status.js';
import type { MappedPayload } from '../intake/map-payload.js';
import { refetchRecord } from '../intake/refetch-record.js';
import { createLocationResolver } from '../jobs/location-resolver.js';
import type { Logger } from '../lib/create-logger.js';
import type { HighLevelAccess } from '../ratelimit/highlevel-access.js';
import { type ComposedPipeline, composePipeline } from './compose-pipeline.js';
import type { Runtime } from './open-runtime.js';

export interface CreatePipelineOptions {
  runtime: Runtime;
  logger: Logger;
  concurrency?: number;
  /** The process's shared paced, audited HighLevel client (see highlevel-access.ts); made here when absent. */
  access?: HighLevelAccess;
}

export async function createPipeline(options: CreatePipelineOptions): Promise<ComposedPipeline> {
  const { config, store, repository, tokenManager } = options.runtime;
  const workflows = await loadEnabledWorkflows({
    features: config.features,
    userPath: config.workflows.path ?? undefined,
    sponsors: config.sponsor.sponsors,
    sponsorStaffContactIds: config.sponsor.staffContactIds,
    sessionEvents: polledSessionEvents(config),
  });
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
      ? await acceleventsClientFromConnection({ repository, config, logger: options.logger })
      : null;
  if (refetch && !accelevents) {
    options.logger.warn(
      'accelevents.webhook.refetch is on but no Accelevents connection exists: payloads are trusted as they come',
    );
  }
  return composePipeline({
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
    logger: options.logger,
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
    ...(options.access ? { access: options.access } : {}),
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
  });
}
