/**
 * The `accelevents.event` job (enqueued by POST /hooks/accelevents/:secret with `{ inboxId }`): load
 * the inbox row, take its mapped fields (re-read from the Accelevents API first when `refetch` is
 * given), pick the location, run every enabled workflow whose trigger matches the topic, and mark
 * the row processed. The run key is the happening's identity (topic, event, attendee), not the
 * delivery's, so a duplicate delivery the inbox did not catch still finds the runs already made.
 */
import type { MappedPayload } from '../../intake/map-payload.js';
import type { RefetchedRecord } from '../../intake/refetch-record.js';
import { type JobHandler, NonRetryableError } from '../../queue/types.js';
import { acceleventsEventData, isMappedPayload } from '../accelevents-event-data.js';
import type { LocationResolver } from '../location-resolver.js';
import { PipelineError } from '../pipeline-error.js';
import { type RunTriggeredDeps, runTriggered } from '../run-triggered.js';
import { inboxIdOf, loadInboxRow, markInbox } from './inbox-rows.js';

export interface AcceleventsEventHandlerDeps extends Omit<RunTriggeredDeps, 'signal'> {
  locations: LocationResolver;
  /** Re-reads the record from the Accelevents API (src/intake/refetch-record.ts); absent: trust the payload. */
  refetch?: (mapped: MappedPayload) => Promise<RefetchedRecord>;
  /** Event names by event URL or id, for templates (`event.name`); the webhook payload carries none. */
  eventNames?: Record<string, string>;
}

export function acceleventsEventHandler(deps: AcceleventsEventHandlerDeps): JobHandler {
  const now = deps.now ?? Date.now;
  return async (job, context) => {
    const inboxId = inboxIdOf(job);
    const row = await loadInboxRow(deps.db, inboxId);
    if (row.status === 'processed' || row.status === 'ignored') return;
    try {
      if (!isMappedPayload(row.mapped)) {
        throw new PipelineError('unmapped_delivery', `inbox row ${inboxId} has no mapped fields`);
      }
      const refetched = deps.refetch ? await deps.refetch(row.mapped) : null;
      const event = acceleventsEventData(row.mapped, refetched);
      const name = event.eventKey === null ? undefined : deps.eventNames?.[event.eventKey];
      if (name) event.data.event.name = name;
      const locationId = deps.locations.resolve(event.eventKey);
      await runTriggered({ ...deps, signal: context.signal }, event.trigger, {
        key: event.key,
        locationId,
        data: event.data,
      });
    } catch (error) {
      const final = error instanceof NonRetryableError || (error instanceof PipelineError && !error.retryable);
      if (!final) throw error;
      await markInbox(deps.db, inboxId, 'failed', now(), error.message);
      throw error instanceof NonRetryableError ? error : new NonRetryableError(error.message, { cause: error });
    }
    await markInbox(deps.db, inboxId, 'processed', now());
  };
}
