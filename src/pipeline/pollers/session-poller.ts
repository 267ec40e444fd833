/**
 * Detects ended sessions (issue 4 Deliver 5c). Accelevents has no "session ended" webhook or endpoint
 * (reference/accelevents-api.md §5.6, §8.4), so each poll lists every configured event's sessions and
 * enqueues one `session.ended` job per session whose `endTime` (read in the event's zone by the client)
 * has passed. "Announced" is the job's dedupe key `session-ended:<eventUrl>:<sessionId>`: the jobs
 * table keeps it, so restarts and several processes polling at once announce a session once.
 */
import type { AcceleventsClient } from '../../accelevents/client.js';
import type { AcceleventsSession } from '../../accelevents/types.js';
import type { Logger } from '../../logging/create-logger.js';
import { PRIORITY, type Queue } from '../../queue/types.js';
import { checkEventUrls, requireDeps } from './poller-error.js';
import { type EventFields, eventFields, type SessionFields, sessionFields } from './template-fields.js';

export const SESSION_ENDED_JOB = 'session.ended';
/** Sessions are listed 100 per page; 50 pages (5,000 sessions) is far beyond any event, and stops a wrong count looping. */
const SESSION_PAGE_SIZE = 100;
const MAX_SESSION_PAGES = 50;
/**
 * A session that ended longer ago than this is not announced: on a first start (or after a long
 * outage) "highlights" for last week's sessions would surprise attendees more than help them.
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
  /** Accelevents event URLs (slugs) to watch. */
  events: readonly string[];
  logger: Logger;
  now?: () => number;
  maxAgeMs?: number;
}

export interface SessionPollReport {
  /** Sessions seen per event. */
  sessions: number;
  /** Ended sessions whose job this poll created (not announced before). */
  announced: { eventUrl: string; sessionId: string; jobId: string }[];
  /** Ended sessions already announced by an earlier poll or another process. */
  alreadyAnnounced: number;
}

export interface SessionPoller {
  pollOnce(options?: { signal?: AbortSignal }): Promise<SessionPollReport>;
}

export function sessionEndedDedupeKey(eventUrl: string, sessionId: string): string {
  return `session-ended:${eventUrl}:${sessionId}`;
}

export function createSessionPoller(deps: SessionPollerDeps): SessionPoller {
  requireDeps('createSessionPoller', deps, ['queue', 'accelevents', 'logger', 'events']);
  const events = checkEventUrls('createSessionPoller', deps.events);
  const now = deps.now ?? Date.now;
  const maxAgeMs = deps.maxAgeMs ?? DEFAULT_SESSION_MAX_AGE_MS;
  const { queue, accelevents, logger } = deps;

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

  return {
    async pollOnce(options = {}) {
      const report: SessionPollReport = { sessions: 0, announced: [], alreadyAnnounced: 0 };
      for (const eventUrl of events) {
        const details = await accelevents.getEventDetails(eventUrl, options);
        const sessions = await listSessions(eventUrl, details.eventId, details.timeZone, options.signal);
        report.sessions += sessions.length;
        const at = now();
        for (const session of sessions) {
          if (session.sessionId === null || session.endsAt === null) {
            logger.debug({ eventUrl, sessionId: session.sessionId }, 'session without an id or a readable end time');
            continue;
          }
          if (session.endsAt > at || at - session.endsAt > maxAgeMs) continue;
          const payload: SessionEndedPayload = {
            eventUrl,
            event: eventFields(details),
            session: sessionFields({ ...session, sessionId: session.sessionId, endsAt: session.endsAt }),
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
      }
      if (report.announced.length > 0) {
        logger.info({ announced: report.announced.length }, 'ended sessions announced');
      }
      return report;
    },
  };
}
