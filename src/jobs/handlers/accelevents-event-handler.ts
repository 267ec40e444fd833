/**
 * The `accelevents.event` job (enqueued by POST /hooks/accelevents/:secret with `{ inboxId }`): load
 * the inbox row, take its mapped fields (re-read from the Accelevents API first when `refetch` is
 * given), pick the location, run every enabled workflow of the triggers its topic fires, and settle
 * the row. The run key is the happening's identity (trigger, event, person), not the delivery's, so a
 * duplicate delivery the inbox did not catch still finds the runs already made.
 *
 * A row that starts no run says why (src/intake/inbox-reasons.ts): no workflow for its triggers, its
 * workflows switched off (`skipped`, to be run once they are on again), an inactive ticket, or a
 * duplicate of an earlier delivery whose runs already finished. Each is logged at warn.
 */
import type { Kysely } from 'kysely';
import { type InboxReason, inboxReason } from '../../intake/inbox-reasons.js';
import type { MappedPayload } from '../../intake/map-payload.js';
import { reasonAtIntake } from '../../intake/plan-deliveries.js';
import type { RefetchedRecord } from '../../intake/refetch-record.js';
import { WELCOMING_TOPICS } from '../../intake/topics.js';
import { noFirings, type PlannedFirings } from '../../marketplace/plan-firings.js';
import { type JobHandler, NonRetryableError } from '../../queue/types.js';
import type { Database } from '../../store/schema.js';
import type { RunOutcome } from '../../workflows/run-workflow.js';
import { acceleventsEventData, INACTIVE_TICKET, isMappedPayload } from '../accelevents-event-data.js';
import { PipelineError } from '../job-error.js';
import type { LocationResolver } from '../location-resolver.js';
import { type RunTriggeredDeps, runEachTrigger, type TriggeredReport } from '../run-triggered.js';
import { inboxIdOf, loadInboxRow, markInbox, settleInbox } from './inbox-rows.js';
import type { MarketplacePlanner } from './marketplace-planner.js';

export interface AcceleventsEventHandlerDeps extends Omit<RunTriggeredDeps, 'signal'> {
  locations: LocationResolver;
  /** Re-reads the record from the Accelevents API (src/intake/refetch-record.ts); absent: trust the payload. */
  refetch?: (mapped: MappedPayload) => Promise<RefetchedRecord>;
  /** Event names by event URL or id, for templates (`event.name`); they win over the payload's name. */
  eventNames?: Record<string, string>;
  /** The `marketplace` feature: plans HighLevel workflow-builder trigger firings for the event. */
  marketplace?: MarketplacePlanner;
}

export function acceleventsEventHandler(deps: AcceleventsEventHandlerDeps): JobHandler {
  const now = deps.now ?? Date.now;
  return async (job, context) => {
    const inboxId = inboxIdOf(job);
    const row = await loadInboxRow(deps.db, inboxId);
    if (row.status === 'processed' || row.status === 'ignored' || row.status === 'skipped') return;
    let settled: { status: 'processed' | 'ignored' | 'skipped'; reason: InboxReason | null };
    try {
      if (!isMappedPayload(row.mapped)) {
        throw new PipelineError('unmapped_delivery', `inbox row ${inboxId} has no mapped fields`);
      }
      const mapped = row.mapped;
      const early = reasonBeforeRun(mapped);
      if (early) settled = { status: 'ignored', reason: early };
      else {
        const refetched = deps.refetch ? await deps.refetch(mapped) : null;
        const event = acceleventsEventData(mapped, refetched);
        const configuredName = event.eventKey === null ? undefined : deps.eventNames?.[event.eventKey];
        if (configuredName) event.data.event.name = configuredName;
        const locationId = deps.locations.resolve(event.eventKey);
        const data = { ...event.data, delivery: { id: inboxId } };
        // Planned after the runs, so a welcome's new contact is in the payload. When a run fails, they are
        // planned by the attempt that will not be retried (the last, or a final error), so a stuck
        // welcome does not hold them back and a retried one still brings its contact (both idempotent).
        const planFirings = async (): Promise<PlannedFirings> =>
          (await deps.marketplace?.acceleventsEvent(event, locationId)) ?? noFirings();
        let report: TriggeredReport;
        try {
          report = await runEachTrigger(
            { ...deps, signal: context.signal },
            event.triggers.map(({ trigger, key }) => ({ trigger, event: { key, locationId, data } })),
          );
        } catch (error) {
          const retried = job.attempts < job.maxAttempts && !isFinal(error);
          if (!retried) {
            await planFirings().catch((planError: unknown) =>
              deps.logger.error({ err: planError, inboxId }, 'marketplace firings not planned'),
            );
          }
          throw error;
        }
        const firings = await planFirings();
        settled = await settle(deps.db, inboxId, mapped, event, report, firings);
      }
    } catch (error) {
      if (!isFinal(error)) throw error;
      await markInbox(deps.db, inboxId, 'failed', now(), error.message);
      throw error instanceof NonRetryableError ? error : new NonRetryableError(error.message, { cause: error });
    }
    if (settled.reason) {
      deps.logger.warn(
        { inboxId, reasonCode: settled.reason.code },
        `Accelevents delivery started no run: ${settled.reason.message}`,
      );
    }
    await settleInbox(deps.db, inboxId, settled.status, now(), settled.reason);
  };
}

/** An error the queue will not retry. */
function isFinal(error: unknown): error is NonRetryableError | PipelineError {
  return error instanceof NonRetryableError || (error instanceof PipelineError && !error.retryable);
}

/** Reasons known from the row alone: nothing to run, or a ticket that must not be welcomed. */
function reasonBeforeRun(mapped: MappedPayload): InboxReason | null {
  const atIntake = reasonAtIntake({ ...mapped, person: { path: '$', index: 0, of: 1 } });
  if (atIntake) return atIntake;
  const status = mapped.fields.status;
  if (mapped.topic !== null && WELCOMING_TOPICS.has(mapped.topic) && status !== null && INACTIVE_TICKET.test(status)) {
    return inboxReason(
      'ticket_inactive',
      `the ticket's status is ${status}: a refunded or cancelled ticket gets no welcome`,
    );
  }
  return null;
}

async function settle(
  db: Kysely<Database>,
  inboxId: string,
  mapped: MappedPayload,
  event: ReturnType<typeof acceleventsEventData>,
  report: TriggeredReport,
  firings: PlannedFirings,
): Promise<{ status: 'processed' | 'ignored' | 'skipped'; reason: InboxReason | null }> {
  const triggers = event.triggers.map((t) => t.trigger).join(' and ');
  // A HighLevel workflow subscribed to the trigger (docs/marketplace.md) handled it, even with no parley workflow.
  if (report.matched.length === 0 && firings.queued + firings.duplicates > 0)
    return { status: 'processed', reason: null };
  if (report.matched.length === 0) {
    const status = mapped.fields.status;
    if (mapped.topic === 'ticket_status_changed' && status !== null && INACTIVE_TICKET.test(status)) {
      return {
        status: 'ignored',
        reason: inboxReason(
          'ticket_inactive',
          `the ticket of ${event.identity} is now ${status}: no welcome is sent, and no workflow handles ${triggers}`,
        ),
      };
    }
    return {
      status: 'ignored',
      reason: inboxReason(
        'no_workflow',
        firings.filtered > 0
          ? `no enabled workflow handles ${triggers}, and the filters of every HighLevel workflow subscribed to it left it out; add or switch one on, then reprocess`
          : `no enabled workflow handles ${triggers}; add or switch one on, then reprocess`,
      ),
    };
  }
  if (report.outcomes.length === 0) {
    return {
      status: 'skipped',
      reason: inboxReason(
        'workflow_off',
        `workflow ${report.switchedOff.join(', ')} was switched off when this arrived; switch it on and run the skipped deliveries`,
      ),
    };
  }
  const earlier = await earlierDelivery(db, inboxId, report.outcomes);
  if (earlier) {
    return {
      status: 'ignored',
      reason: inboxReason('duplicate', `duplicate of ${earlier}: ${event.identity} was already handled`),
    };
  }
  return { status: 'processed', reason: null };
}

/** When every run had finished before, for another delivery: that delivery's id. */
async function earlierDelivery(
  db: Kysely<Database>,
  inboxId: string,
  outcomes: readonly RunOutcome[],
): Promise<string | null> {
  if (!outcomes.every((outcome) => outcome.alreadyFinished)) return null;
  const runs = await db
    .selectFrom('workflow_runs')
    .select('input')
    .where(
      'id',
      'in',
      outcomes.map((outcome) => outcome.runId),
    )
    .execute();
  for (const run of runs) {
    const input = JSON.parse(run.input) as { data?: { delivery?: { id?: unknown } } };
    const id = input.data?.delivery?.id;
    if (id === inboxId) return null;
    if (typeof id === 'string') return `delivery ${id}`;
  }
  return runs.length > 0 ? 'an earlier delivery' : null;
}
