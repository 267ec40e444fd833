/**
 * Reconciliation: Accelevents documents no delivery guarantee (docs/accelevents-assumptions.md), so
 * attendees are paged from the REST API and every one without an inbox row gets one (source
 * `reconciliation`) plus the same `accelevents.event` job a webhook gets, in one transaction
 * (src/intake/store-delivery.ts), so the pipeline handles it like a delivery.
 *
 * "Without an inbox row" uses intake's own rules: the attendee row is mapped with intake's payload
 * mapping (the effective one, read at each pass: src/intake/effective-mapping.ts) as a `registration` and keyed with `acceleventsDedupeKey`, then
 * looked up under any source. A row stored while its workflow was switched off (`skipped`) is not
 * done: it is run now rather than counted as known. A webhook keyed by a delivery-id header or by its
 * body hash cannot be matched this way; the workflow run's trigger key still keeps its welcome single.
 */
import type { Kysely } from 'kysely';
import type { AcceleventsClient } from '../../accelevents/client.js';
import type { AcceleventsAttendee } from '../../accelevents/types.js';

import { ACCELEVENTS_EVENT_JOB } from '../../intake/accelevents-webhook-route.js';
import { acceleventsDedupeKey } from '../../intake/dedupe-key.js';
import { loadEffectiveMapping } from '../../intake/effective-mapping.js';
import { mapPayload } from '../../intake/map-payload.js';
import { reprocessDeliveries } from '../../intake/reprocess-deliveries.js';
import { storeDelivery } from '../../intake/store-delivery.js';
import { compileMapping, type PayloadMapping, resolveWebhookConfig } from '../../intake/webhook-config.js';
import type { AcceleventsWebhookSettings } from '../../intake/webhook-settings.js';
import type { Logger } from '../../lib/create-logger.js';
import { PRIORITY, type PriorityLane } from '../../lib/priority-lanes.js';
import type { Queue } from '../../queue/types.js';
import type { Database } from '../../store/schema.js';
import { checkEventUrls, requireDeps } from './poller-error.js';
import { attendeeKey } from './template-fields.js';

export interface ReconcilerDeps {
  db: Kysely<Database>;
  queue: Queue;
  accelevents: AcceleventsClient;
  /** Accelevents event URLs reconciled on schedule. */
  events: readonly string[];
  logger: Logger;
  now?: () => number;
  newId?: () => string;
  /** `accelevents.webhook` from the file config: the mapping intake uses (default: intake's defaults). */
  webhook?: AcceleventsWebhookSettings;
}

export interface ReconcileProgress {
  eventUrl: string;
  /** Attendees of this event looked at so far, and in all. */
  checked: number;
  total: number;
  enqueued: number;
}

export interface ReconcileOptions {
  /** Default: the configured events. */
  events?: readonly string[];
  /**
   * The queue lane of the jobs (and, through `mapped.lane`, of their HighLevel calls). Default
   * `automation`: late welcomes never get ahead of live ones. Backfill passes `backfill`.
   */
  lane?: PriorityLane;
  /** Look only: report what would be imported, store nothing. */
  dryRun?: boolean;
  onProgress?: (progress: ReconcileProgress) => void;
  signal?: AbortSignal;
}

export interface ReconciledAttendee {
  eventUrl: string;
  attendeeId: string;
  email: string | null;
  inboxId: string | null;
  jobId: string | null;
}

export interface ReconcileReport {
  checked: number;
  alreadyKnown: number;
  /** Imported (or, in a dry run, to be imported). */
  imported: ReconciledAttendee[];
  /** Attendees with no id at all, skipped. */
  skipped: number;
  /** Events whose attendee list hit the page cap. */
  truncated: string[];
}

export interface Reconciler {
  reconcileOnce(options?: ReconcileOptions): Promise<ReconcileReport>;
}

export const RECONCILED_TOPIC = 'registration';

export function createReconciler(deps: ReconcilerDeps): Reconciler {
  requireDeps('createReconciler', deps, ['db', 'queue', 'accelevents', 'logger', 'events']);
  const configured = checkEventUrls('createReconciler', deps.events);
  const now = deps.now ?? Date.now;
  // A bad file mapping fails here, at construction; the console's saved mapping is read at each pass.
  compileMapping(resolveWebhookConfig(deps.webhook));
  const { db, queue, accelevents, logger } = deps;

  /** The body stored for the row: the attendee as the REST API gave it, with its event and our topic. */
  function deliveryOf(eventUrl: string, attendee: AcceleventsAttendee, mapping: PayloadMapping) {
    const body = JSON.stringify({ ...attendee.raw, eventUrl, topic: RECONCILED_TOPIC });
    const found = mapPayload(JSON.parse(body), mapping);
    // The topic is ours, whatever the admin's topic paths say: reconciliation only finds registrations.
    const mapped = { ...found, topic: RECONCILED_TOPIC, rawTopic: RECONCILED_TOPIC } as const;
    const dedupe = acceleventsDedupeKey({ mapped, headers: {}, rawBody: Buffer.from(body), deliveryIdHeader: null });
    return { body, mapped, dedupe };
  }

  return {
    async reconcileOnce(options = {}) {
      const events = options.events ? checkEventUrls('reconcileOnce', options.events) : configured;
      const lane = options.lane ?? 'automation';
      const report: ReconcileReport = { checked: 0, alreadyKnown: 0, imported: [], skipped: 0, truncated: [] };
      const { mapping } = await loadEffectiveMapping(db, deps.webhook);
      for (const eventUrl of events) {
        const { items, truncated } = await accelevents.listAllAttendees(eventUrl, { signal: options.signal });
        if (truncated) report.truncated.push(eventUrl);
        let enqueued = 0;
        for (const [index, attendee] of items.entries()) {
          report.checked += 1;
          const id = attendeeKey(attendee);
          if (id === null) report.skipped += 1;
          else {
            const { body, mapped, dedupe } = deliveryOf(eventUrl, attendee, mapping);
            const known = await db
              .selectFrom('inbox')
              .select(['id', 'status'])
              .where('dedupe_key', '=', dedupe.key)
              .limit(1)
              .executeTakeFirst();
            if (known && known.status !== 'skipped') report.alreadyKnown += 1;
            else if (options.dryRun) {
              report.imported.push({ eventUrl, attendeeId: id, email: attendee.email, inboxId: null, jobId: null });
            } else if (known) {
              // Received while its workflow was off: not done, so it runs now.
              await reprocessDeliveries({ db, queue, config: deps.webhook, logger, now }, { ids: [known.id] });
              enqueued += 1;
              report.imported.push({ eventUrl, attendeeId: id, email: attendee.email, inboxId: known.id, jobId: null });
            } else {
              const stored = await storeDelivery(
                { db, queue, now, ...(deps.newId ? { newId: deps.newId } : {}) },
                {
                  source: 'reconciliation',
                  dedupeKey: dedupe.key,
                  topic: RECONCILED_TOPIC,
                  contentType: 'application/json',
                  headers: {},
                  body,
                  mapped: { ...mapped, format: 'json', dedupeBasis: dedupe.basis, lane },
                  status: 'received',
                },
                { kind: ACCELEVENTS_EVENT_JOB, priority: PRIORITY[lane] },
              );
              if (stored.duplicate) report.alreadyKnown += 1;
              else {
                enqueued += 1;
                report.imported.push({
                  eventUrl,
                  attendeeId: id,
                  email: attendee.email,
                  inboxId: stored.id,
                  jobId: stored.jobId,
                });
              }
            }
          }
          options.onProgress?.({ eventUrl, checked: index + 1, total: items.length, enqueued });
        }
      }
      if (report.imported.length > 0 && !options.dryRun) {
        logger.info({ imported: report.imported.length, lane }, 'reconciliation imported attendees');
      }
      return report;
    },
  };
}
