import { z } from 'zod';
import { isKnownTimeZone } from '../lib/time-zones.js';
import { SESSION_RECIPIENTS, type SessionRecipients } from './session-recipients.js';

/** One of `events:` in parley.config.yaml, after defaults (src/app/file-config-defaults.ts). */
export interface EventConfig {
  /** The Accelevents event URL (slug), e.g. `devconf-2026`. */
  eventUrl: string;
  /** Shown in templates as `event.name`; null when not set (the event's own name may fill it). */
  name: string | null;
  /** The HighLevel location its attendees go to; null means the default location. */
  locationId: string | null;
  /** Whether the session poller watches this event for ended sessions. Default true. */
  sessionsPoll: boolean;
  /**
   * The event's IANA time zone, over what Accelevents says (`equivalentTimezone` / `timezoneId`): session
   * times are read and shown in it. Null: Accelevents' own.
   */
  timeZone: string | null;
  /**
   * Who a session's follow-up goes to. Null (the default): the session's attendees where Accelevents
   * offers per-session attendance, else the event's checked-in attendees; never every registrant.
   */
  recipients: SessionRecipients | null;
  /** Session format → the words templates show (`MAIN_STAGE: Keynote`); others read as "Main stage". */
  formatLabels: Record<string, string>;
}

/** Accelevents event URLs are the slug in the event's address (https://developer.accelevents.com/reference). */
const EVENT_URL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/** `events:` as written in the file. */
export const EventsSchema = z
  .array(
    z.strictObject({
      eventUrl: z.string().regex(EVENT_URL_PATTERN, {
        error: 'expected an Accelevents event URL slug such as devconf-2026 (letters, digits, - and _)',
      }),
      name: z.string().min(1).optional(),
      locationId: z.string().min(1, { error: 'expected a HighLevel location id' }).optional(),
      sessionsPoll: z.boolean().optional(),
      timezone: z
        .string()
        .refine(isKnownTimeZone, { error: 'expected an IANA time zone such as America/New_York or Europe/London' })
        .optional(),
      recipients: z.enum(SESSION_RECIPIENTS).optional(),
      formatLabels: z
        .record(
          z.string().regex(/^[A-Za-z0-9_]+$/, { error: 'expected a session format such as MAIN_STAGE' }),
          z.string().min(1, { error: 'expected the label to show, e.g. Keynote' }),
        )
        .optional(),
    }),
  )
  .refine((events) => new Set(events.map((e) => e.eventUrl)).size === events.length, {
    error: 'expected each eventUrl at most once',
  });
