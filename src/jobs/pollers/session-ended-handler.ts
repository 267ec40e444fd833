/**
 * Runs the `session.ended` workflows for one ended session, one run per (workflow, session, recipient):
 * the run's trigger key `<workflow>:session-ended:<eventUrl>:<sessionId>:<attendee>` makes a retried or
 * replayed job skip every recipient already done. Recipients follow the event's `recipients` setting
 * (session-recipients.ts): by default the session's attendees, never the whole event.
 *
 * One recipient's failure does not stop the others. The job then fails: retryable when any failure
 * may pass (the retry redoes only the unfinished runs), else final, so an operator sees it in the DLQ.
 */
import type { AcceleventsClient } from '../../accelevents/client.js';
import type { Logger } from '../../lib/create-logger.js';
import type { JobHandler } from '../../queue/types.js';
import { type RunWorkflowDeps, runWorkflow } from '../../workflows/run-workflow.js';
import { describeFailure } from '../../workflows/workflow-error.js';
import { currentWorkflows, type Workflows } from '../../workflows/workflow-source.js';
import { disabledWorkflows } from '../../workflows/workflow-switches.js';
import type { MarketplacePlanner } from '../handlers/marketplace-planner.js';
import { PollerError, requireDeps } from './poller-error.js';
import type { SessionEndedPayload } from './session-poller.js';
import { sessionRecipients } from './session-recipients.js';
import { resolveSessionEvents, type SessionEventInput, settingsFor } from './session-settings.js';
import { attendeeFields, attendeeKey } from './template-fields.js';

/** Structurally B1's LocationResolver (src/jobs/location-resolver.ts). */
export interface EventLocationResolver {
  resolve(eventKey: string | null): string;
}

export interface SessionEndedHandlerDeps {
  accelevents: AcceleventsClient;
  /** Only those with trigger `session.ended` run; the rest are ignored. */
  workflows: Workflows;
  locations: EventLocationResolver;
  /** runWorkflow's deps (db, highlevel, now, logger, engine, …); the job's signal is added per run. */
  run: Omit<RunWorkflowDeps, 'signal'>;
  /** The events' settings (config `events[]`): who is followed up. An event not listed gets the defaults. */
  events?: readonly SessionEventInput[];
  logger: Logger;
  /** The `marketplace` feature: each recipient also fires `accelevents_session_ended`. */
  marketplace?: MarketplacePlanner;
}

export function createSessionEndedHandler(deps: SessionEndedHandlerDeps): JobHandler {
  requireDeps('createSessionEndedHandler', deps, ['accelevents', 'workflows', 'locations', 'run', 'logger']);
  requireDeps('createSessionEndedHandler (run)', deps.run, ['db', 'highlevel']);
  const events = resolveSessionEvents('createSessionEndedHandler', deps.events ?? []);
  const { accelevents, logger } = deps;

  return async (job, context) => {
    const payload = readPayload(job.payload);
    const workflows = (await currentWorkflows(deps.workflows)).filter((w) => w.trigger === 'session.ended');
    const disabled = workflows.length > 0 ? await disabledWorkflows(deps.run.db) : new Set<string>();
    const active = workflows.filter((w) => !disabled.has(w.name));
    const firing = deps.marketplace && (await deps.marketplace.subscribed('accelevents_session_ended'));
    if (active.length === 0 && !firing) return;
    const locationId = deps.locations.resolve(payload.eventUrl);
    const { source, attendees, truncated } = await sessionRecipients({
      accelevents,
      eventUrl: payload.eventUrl,
      sessionId: payload.session.id,
      recipients: settingsFor(events, payload.eventUrl).recipients,
      logger,
      signal: context.signal,
    });
    if (truncated) logger.warn({ eventUrl: payload.eventUrl, source }, 'recipient list truncated at the page cap');
    logger.info(
      { eventUrl: payload.eventUrl, sessionId: payload.session.id, source, recipients: attendees.length },
      'session follow-up recipients',
    );
    const failures: { attendee: string; retryable: boolean; message: string }[] = [];
    for (const attendee of attendees) {
      const key = attendeeKey(attendee);
      if (key === null) continue;
      const event = {
        key: `session-ended:${payload.eventUrl}:${payload.session.id}:${key}`,
        locationId,
        data: { session: payload.session, event: payload.event, attendee: attendeeFields(attendee) },
      };
      for (const definition of active) {
        context.signal.throwIfAborted();
        try {
          await runWorkflow({ definition, event, deps: { ...deps.run, signal: context.signal } });
        } catch (error) {
          const failure = describeFailure(error);
          failures.push({ attendee: key, retryable: failure.retryable, message: failure.message });
        }
      }
      if (firing) {
        try {
          await deps.marketplace?.sessionEnded({ ...event.data, key: event.key, locationId });
        } catch (error) {
          failures.push({
            attendee: key,
            retryable: true,
            message: `marketplace firing not planned: ${String(error)}`,
          });
        }
      }
    }
    if (failures.length === 0) return;
    const retryable = failures.some((f) => f.retryable);
    throw new PollerError(
      'attendee_runs_failed',
      `session ${payload.session.id} of ${payload.eventUrl}: ${failures.length} run(s) failed; first: attendee ${failures[0]?.attendee}: ${failures[0]?.message}`,
      { retryable },
    );
  };
}

function readPayload(payload: unknown): SessionEndedPayload {
  const p = payload as Partial<SessionEndedPayload> | null;
  if (
    typeof p?.eventUrl !== 'string' ||
    typeof p.session?.id !== 'string' ||
    typeof p.event !== 'object' ||
    p.event === null
  ) {
    throw new PollerError('invalid_job', 'session.ended job payload must have eventUrl, event and session.id');
  }
  return p as SessionEndedPayload;
}
