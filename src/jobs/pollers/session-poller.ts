/**
 * Detects ended sessions. Accelevents has no "session ended" webhook or endpoint, so each poll lists
 * every configured event's sessions and enqueues one `session.ended` job per session whose `endTime`
 * (read in the event's zone) has passed since the event's watermark (session-watermark.ts): sessions
 * that ended before follow-ups were running for the event are never announced. "Announced" is the
 * job's dedupe key `session-ended:<eventUrl>:<sessionId>`: the jobs table keeps it, so restarts and
 * several processes polling at once announce a session once.
 */

import type { Kysely } from 'kysely';
import type { AcceleventsClient } from '../../accelevents/client.js';
import type { AcceleventsSession } from '../../accelevents/types.js';
import type { Logger } from '../../lib/create-logger.js';
import { PRIORITY } from '../../lib/priority-lanes.js';
import type { Queue } from '../../queue/types.js';
import type { Database } from '../../store/schema.js';
import { currentWorkflows, type Workflows } from '../../workflows/workflow-source.js';
import { disabledWorkflows } from '../../workflows/workflow-switches.js';
import { requireDeps } from './poller-error.js';
import { type ResolvedSessionEvent, resolveSessionEvents, type SessionEventInput } from './session-settings.js';
import { pauseOtherWatermarks, readWatermark, writeWatermark } from './session-watermark.js';
import { type EventFields, eventFields, type SessionFields, sessionFields } from './template-fields.js';

export const SESSION_ENDED_JOB = 'session.ended';
/** Sessions are listed 100 per page; 50 pages (5,000 sessions) is far beyond any event, and stops a wrong count looping. */
const SESSION_PAGE_SIZE = 100;
const MAX_SESSION_PAGES = 50;
/**
 * A session that ended longer ago than this is not announced even after the watermark: after a long
 * outage, "highlights" for last week's sessions would surprise attendees more than help them.
 */
export const DEFAULT_SESSION_MAX_AGE_MS = 6 * 60 * 60 * 1000;

export interface SessionEndedPayload {
  eventUrl: string;
  event: EventFields;
  session: SessionFields;
}

export interface SessionPollerDeps {
  queue: Queue;
  accelevents: AcceleventsClient;
  /** Where the per-event watermarks are kept (`settings`). */
  db: Kysely<Database>;
  /** Events to watch: Accelevents event URLs (slugs), or their settings (config `events[]`). */
  events: readonly SessionEventInput[];
  /**
   * The pipeline's workflows: polls run only while one with trigger `session.ended` is loaded and not
   * switched off; otherwise they only keep the watermarks paused. Absent: always on.
   */
  workflows?: Workflows;
  /** Polls run while this answers true too (a marketplace subscription to sessions ending). */
  alsoWanted?: () => Promise<boolean>;
  logger: Logger;
  now?: () => number;
  maxAgeMs?: number;
}

export interface SessionPollReport {
  /** False when no session.ended workflow runs: nothing was read, the watermarks were paused. */
  active: boolean;
  /** Events whose follow-ups start with this poll: only sessions ending after it are announced. */
  started: string[];
  /** Sessions seen, over all events read. */
  sessions: number;
  /** Ended sessions whose job this poll created (not announced before). */
  announced: { eventUrl: string; sessionId: string; jobId: string }[];
  /** Ended sessions already announced by an earlier poll or another process. */
  alreadyAnnounced: number;
  /** Sessions that ended after the watermark but longer ago than maxAgeMs (e.g. after an outage). */
  tooLate: number;
}

export interface SessionPoller {
  pollOnce(options?: { signal?: AbortSignal }): Promise<SessionPollReport>;
}

export function sessionEndedDedupeKey(eventUrl: string, sessionId: string): string {
  return `session-ended:${eventUrl}:${sessionId}`;
}

export function createSessionPoller(deps: SessionPollerDeps): SessionPoller {
  requireDeps('createSessionPoller', deps, ['queue', 'accelevents', 'db', 'logger', 'events']);
  const events = resolveSessionEvents('createSessionPoller', deps.events);
  const now = deps.now ?? Date.now;
  const maxAgeMs = deps.maxAgeMs ?? DEFAULT_SESSION_MAX_AGE_MS;
  const { queue, accelevents, db, logger } = deps;
  async function active(): Promise<boolean> {
    if (deps.workflows === undefined) return true;
    // A HighLevel workflow subscribed to `accelevents_session_ended` wants the sessions too.
    if (deps.alsoWanted && (await deps.alsoWanted())) return true;
    const followUps = (await currentWorkflows(deps.workflows))
      .filter((w) => w.trigger === 'session.ended')
      .map((w) => w.name);
    if (followUps.length === 0) return false;
    const disabled = await disabledWorkflows(db);
    return followUps.some((name) => !disabled.has(name));
  }

  const warnedZone = new Set<string>();

  /** The zone session times are in: the config's, else Accelevents' (UTC when it names none Intl knows). */
  function zoneOf(settings: ResolvedSessionEvent, details: { timeZone: string; timezoneId: string | null }) {
    if (settings.timeZone) return settings.timeZone;
    const unknown = details.timeZone === 'UTC' && details.timezoneId !== null && details.timezoneId !== 'UTC';
    // Once per event and process: the poll runs every minute and the log would be nothing else.
    if (unknown && !warnedZone.has(settings.eventUrl)) {
      warnedZone.add(settings.eventUrl);
      logger.warn(
        { eventUrl: settings.eventUrl, timezoneId: details.timezoneId },
        'the event names no time zone parley knows; session times are read as UTC: set events[].timezone',
      );
    }
    return details.timeZone;
  }

  async function listSessions(eventUrl: string, eventId: string | null, timeZone: string, signal?: AbortSignal) {
    const all: AcceleventsSession[] = [];
    for (let page = 0; page < MAX_SESSION_PAGES; page++) {
      const result = await accelevents.listSessions(eventUrl, {
        page,
        size: SESSION_PAGE_SIZE,
        timeZone,
        ...(eventId === null ? {} : { eventId }),
        ...(signal ? { signal } : {}),
      });
      all.push(...result.items);
      const expected = result.recordsFiltered ?? result.recordsTotal;
      if (result.items.length < result.size || (expected !== null && all.length >= expected)) break;
    }
    return all;
  }

  async function pollEvent(settings: ResolvedSessionEvent, report: SessionPollReport, signal?: AbortSignal) {
    const { eventUrl } = settings;
    const mark = await readWatermark(db, eventUrl);
    const at = now();
    if (mark === null || !mark.active) {
      // Follow-ups start now for this event: what ended before is not this feature's to announce.
      await writeWatermark(db, eventUrl, { through: at, active: true }, at);
      report.started.push(eventUrl);
      logger.info({ eventUrl }, 'session follow-ups start: only sessions ending from now on are followed up');
      return;
    }
    const details = await accelevents.getEventDetails(eventUrl, signal ? { signal } : {});
    const timeZone = zoneOf(settings, details);
    const sessions = await listSessions(eventUrl, details.eventId, timeZone, signal);
    report.sessions += sessions.length;
    for (const session of sessions) {
      if (session.sessionId === null || session.endsAt === null) {
        logger.debug({ eventUrl, sessionId: session.sessionId }, 'session without an id or a readable end time');
        continue;
      }
      if (session.endsAt <= mark.through || session.endsAt > at) continue;
      if (at - session.endsAt > maxAgeMs) {
        report.tooLate += 1;
        logger.warn({ eventUrl, sessionId: session.sessionId }, 'session ended too long ago to follow up');
        continue;
      }
      const payload: SessionEndedPayload = {
        eventUrl,
        event: eventFields(details, settings),
        session: sessionFields(
          { ...session, sessionId: session.sessionId, endsAt: session.endsAt },
          timeZone,
          settings.formatLabels,
        ),
      };
      const { id, created } = await queue.enqueue({
        kind: SESSION_ENDED_JOB,
        payload,
        priority: PRIORITY.automation,
        dedupeKey: sessionEndedDedupeKey(eventUrl, session.sessionId),
      });
      if (created) report.announced.push({ eventUrl, sessionId: session.sessionId, jobId: id });
      else report.alreadyAnnounced += 1;
    }
    // Moved only after every ended session is queued: a failed poll leaves it, and the retry finds them again.
    await writeWatermark(db, eventUrl, { through: Math.max(at, mark.through), active: true }, now());
  }

  return {
    async pollOnce(options = {}) {
      const report: SessionPollReport = {
        active: await active(),
        started: [],
        sessions: 0,
        announced: [],
        alreadyAnnounced: 0,
        tooLate: 0,
      };
      const polled = report.active ? events.map((e) => e.eventUrl) : [];
      await pauseOtherWatermarks(db, polled, now());
      if (!report.active) return report;
      for (const settings of events) await pollEvent(settings, report, options.signal);
      if (report.announced.length > 0) {
        logger.info({ announced: report.announced.length }, 'ended sessions announced');
      }
      return report;
    },
  };
}
