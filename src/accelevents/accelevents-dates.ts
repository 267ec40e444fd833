/**
 * Accelevents dates are local wall-clock strings whose format changes per endpoint, with the time zone
 * in separate fields (https://developer.accelevents.com/reference/get-all-sessions-1,
 * https://developer.accelevents.com/docs/adding-attendees): sessions use `yyyy/MM/dd HH:mm`, the
 * create-order `clientDate` `dd/MM/yyyy HH:mm:ss`, `searchTimeStamp` `MM/dd/yyyy HH:mm:ss`. The last two
 * look alike, so the caller names the pattern. The raw string is always kept next to the parse.
 */
import { isKnownTimeZone } from '../lib/time-zones.js';
export type AcceleventsDatePattern = 'yyyy/MM/dd HH:mm' | 'dd/MM/yyyy HH:mm:ss' | 'MM/dd/yyyy HH:mm:ss';

export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export interface AcceleventsDateTime {
  /** Exactly what Accelevents sent. */
  raw: string;
  /** Wall-clock time in the event's zone; null when the string matched no known pattern. */
  local: LocalDateTime | null;
}

const PATTERNS: Record<AcceleventsDatePattern, { regex: RegExp; order: (keyof LocalDateTime)[] }> = {
  'yyyy/MM/dd HH:mm': {
    regex: /^(\d{4})\/(\d{1,2})\/(\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$/,
    order: ['year', 'month', 'day', 'hour', 'minute', 'second'],
  },
  'dd/MM/yyyy HH:mm:ss': {
    regex: /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2})(?::(\d{2}))?$/,
    order: ['day', 'month', 'year', 'hour', 'minute', 'second'],
  },
  'MM/dd/yyyy HH:mm:ss': {
    regex: /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2})(?::(\d{2}))?$/,
    order: ['month', 'day', 'year', 'hour', 'minute', 'second'],
  },
};

/** ISO local or offset form, accepted as a fallback in case an endpoint answers that way. */
const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?/;

function valid(t: LocalDateTime): boolean {
  const check = new Date(Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second));
  return (
    check.getUTCFullYear() === t.year &&
    check.getUTCMonth() === t.month - 1 &&
    check.getUTCDate() === t.day &&
    t.hour < 24 &&
    t.minute < 60 &&
    t.second < 60
  );
}

function match(raw: string, regex: RegExp, order: (keyof LocalDateTime)[]): LocalDateTime | null {
  const m = regex.exec(raw);
  if (!m) return null;
  const t: LocalDateTime = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  order.forEach((field, i) => {
    t[field] = Number(m[i + 1] ?? 0);
  });
  return valid(t) ? t : null;
}

export function parseAcceleventsDate(value: unknown, pattern: AcceleventsDatePattern): AcceleventsDateTime | null {
  if (value === null || value === undefined || value === '') return null;
  const raw = String(value);
  const trimmed = raw.trim();
  const { regex, order } = PATTERNS[pattern];
  const local = match(trimmed, regex, order) ?? match(trimmed, ISO, PATTERNS['yyyy/MM/dd HH:mm'].order);
  return { raw, local };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

export function formatAcceleventsDate(t: LocalDateTime, pattern: AcceleventsDatePattern): string {
  const time = `${pad(t.hour)}:${pad(t.minute)}`;
  if (pattern === 'yyyy/MM/dd HH:mm') return `${pad(t.year, 4)}/${pad(t.month)}/${pad(t.day)} ${time}`;
  const seconds = `${time}:${pad(t.second)}`;
  if (pattern === 'dd/MM/yyyy HH:mm:ss') return `${pad(t.day)}/${pad(t.month)}/${pad(t.year, 4)} ${seconds}`;
  return `${pad(t.month)}/${pad(t.day)}/${pad(t.year, 4)} ${seconds}`;
}

/**
 * The event's zone from the fields Accelevents has (`equivalentTimezone`, `timezoneId`); which
 * holds an IANA name is not documented, so the first one Intl knows wins, else UTC.
 */
export function resolveTimeZone(candidates: unknown[]): string {
  return candidates.find(isKnownTimeZone) ?? 'UTC';
}

/** The wall-clock time in `timeZone` at instant `epochMs`. */
export function toLocalDateTime(epochMs: number, timeZone: string): LocalDateTime {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(epochMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
  };
}

const asUtc = (t: LocalDateTime) => Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);

/**
 * The instant a wall-clock time in `timeZone` stands for. Two passes settle the offset when the guess
 * and the answer fall on different sides of a DST change.
 */
export function toEpochMs(t: LocalDateTime, timeZone: string): number {
  const wanted = asUtc(t);
  let guess = wanted;
  for (let pass = 0; pass < 2; pass++) {
    const offset = asUtc(toLocalDateTime(guess, timeZone)) - guess;
    guess = wanted - offset;
  }
  return guess;
}
