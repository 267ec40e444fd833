/**
 * The sandbox's two sample events with their ticket types and sessions. Session times are laid out
 * around the sandbox clock, so some have ended, one is running and some are upcoming whenever the
 * sandbox starts: a "session ended" poller (Accelevents has no such event) has something to find.
 */
/** The first sample event: what `connect accelevents --base-url sandbox` probes by default. */
export const SAMPLE_EVENT_URL = 'parley-spring-summit';

export type SandboxRole = 'host' | 'staff' | 'none';

export interface SandboxTicketType {
  typeId: number;
  name: string;
  price: number;
}

export interface SandboxSession {
  sessionId: number;
  title: string;
  format: string;
  status: 'VISIBLE' | 'HIDDEN';
  capacity: number;
  startsAt: number;
  endsAt: number;
  /** The recording or replay address; null until one is set (sandbox control `session-recordings`). */
  recordingUrl: string | null;
}

export interface SandboxEvent {
  eventId: number;
  eventUrl: string;
  eventName: string;
  eventFormat: 'VIRTUAL' | 'HYBRID' | 'IN-PERSON';
  eventListingStatus: string;
  currencySymbol: string;
  /**
   * Both zone fields exist but what each holds is not documented; the sandbox guesses a display
   * name in `timezoneId` and an IANA name in `equivalentTimezone`, and clients must cope with either.
   */
  timezoneId: string;
  equivalentTimezone: string;
  ticketTypes: SandboxTicketType[];
  sessions: SandboxSession[];
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** [title, format, start offset, length] from the sandbox's start, rounded down to the quarter hour. */
const SESSION_PLAN: [string, string, number, number][] = [
  ['Opening keynote', 'MAIN_STAGE', -3 * HOUR, HOUR],
  ['Workshop: registration that runs itself', 'WORKSHOP', -2 * HOUR, HOUR],
  ['Panel: support at event scale', 'BREAKOUT_SESSION', -30 * MINUTE, HOUR],
  ['Sponsor meetup', 'MEET_UP', HOUR, HOUR],
  ['Closing remarks', 'MAIN_STAGE', 24 * HOUR, 45 * MINUTE],
];

function sessions(eventId: number, now: number): SandboxSession[] {
  const base = Math.floor(now / (15 * MINUTE)) * 15 * MINUTE;
  return SESSION_PLAN.map(([title, format, offset, length], i) => ({
    sessionId: eventId * 100 + i + 1,
    title,
    format,
    status: 'VISIBLE',
    capacity: 200,
    startsAt: base + offset,
    endsAt: base + offset + length,
    recordingUrl: null,
  }));
}

export function sampleEvents(now: number): SandboxEvent[] {
  return [
    {
      eventId: 101,
      eventUrl: SAMPLE_EVENT_URL,
      eventName: 'Parley Spring Summit 2026',
      eventFormat: 'HYBRID',
      eventListingStatus: 'PUBLISHED',
      currencySymbol: '$',
      timezoneId: 'Eastern Time (US & Canada)',
      equivalentTimezone: 'America/New_York',
      ticketTypes: [
        { typeId: 1011, name: 'General Admission', price: 0 },
        { typeId: 1012, name: 'VIP', price: 199 },
      ],
      sessions: sessions(101, now),
    },
    {
      eventId: 102,
      eventUrl: 'parley-sponsor-day',
      eventName: 'Parley Sponsor Day',
      eventFormat: 'IN-PERSON',
      eventListingStatus: 'PUBLISHED',
      currencySymbol: '£',
      timezoneId: 'London',
      equivalentTimezone: 'Europe/London',
      ticketTypes: [
        { typeId: 1021, name: 'Sponsor Pass', price: 0 },
        { typeId: 1022, name: 'Expo Pass', price: 25 },
      ],
      sessions: sessions(102, now),
    },
  ];
}
