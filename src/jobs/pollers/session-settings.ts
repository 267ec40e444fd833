/**
 * The per-event settings the session poller and the session.ended handler share (config `events[]`):
 * a display name, a time-zone override, who gets the follow-up, and format labels. A bare event URL
 * means all defaults. Checked once at construction, so a bad value fails start-up naming the field.
 */

import type { SessionRecipients } from '../../features/session-recipients.js';
import { SESSION_RECIPIENTS } from '../../features/session-recipients.js';
import { isKnownTimeZone } from '../../lib/time-zones.js';
import { checkEventUrls, PollerError } from './poller-error.js';

export interface SessionEventSettings {
  eventUrl: string;
  /** Shown as `event.name` over the event's own name. */
  name?: string | null;
  /** IANA zone the event's session times are read and shown in, over what Accelevents says. */
  timeZone?: string | null;
  /** Null or absent: session attendees where Accelevents offers them, else checked-in attendees. */
  recipients?: SessionRecipients | null;
  formatLabels?: Readonly<Record<string, string>>;
}

export interface ResolvedSessionEvent {
  eventUrl: string;
  name: string | null;
  timeZone: string | null;
  recipients: SessionRecipients | null;
  formatLabels: Readonly<Record<string, string>>;
}

export type SessionEventInput = string | SessionEventSettings;

export function resolveSessionEvents(owner: string, events: unknown): ResolvedSessionEvent[] {
  if (!Array.isArray(events)) checkEventUrls(owner, events);
  const list = events as unknown[];
  const urls = checkEventUrls(
    owner,
    list.map((e) => (typeof e === 'object' && e !== null ? (e as SessionEventSettings).eventUrl : e)),
  );
  return list.map((entry, i) => {
    const e: SessionEventSettings = typeof entry === 'string' ? { eventUrl: entry } : (entry as SessionEventSettings);
    const at = `${owner}: events[${i}]`;
    if (e.timeZone != null && !isKnownTimeZone(e.timeZone)) {
      throw new PollerError(
        'invalid_argument',
        `${at}.timeZone must be an IANA time zone such as America/New_York; got ${JSON.stringify(e.timeZone)}`,
      );
    }
    if (e.recipients != null && !(SESSION_RECIPIENTS as readonly string[]).includes(e.recipients)) {
      throw new PollerError(
        'invalid_argument',
        `${at}.recipients must be one of ${SESSION_RECIPIENTS.join(', ')}; got ${JSON.stringify(e.recipients)}`,
      );
    }
    return {
      eventUrl: urls[i]!,
      name: e.name ?? null,
      timeZone: e.timeZone ?? null,
      recipients: e.recipients ?? null,
      formatLabels: { ...e.formatLabels },
    };
  });
}

/** The settings of one event, or the defaults for an event no longer listed (a job queued before a config change). */
export function settingsFor(events: readonly ResolvedSessionEvent[], eventUrl: string): ResolvedSessionEvent {
  return (
    events.find((e) => e.eventUrl === eventUrl) ?? {
      eventUrl,
      name: null,
      timeZone: null,
      recipients: null,
      formatLabels: {},
    }
  );
}
