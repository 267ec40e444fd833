/**
 * How a session reads in a message: its format in words and its times in the event's zone with the
 * zone named, so "10:00 AM EDT" rather than Accelevents' bare `2026/05/04 10:00` or `MAIN_STAGE`.
 */

const LOCALE = 'en-US';

/** `MAIN_STAGE` → "Main stage", unless `labels` names it (keys compared without case). */
export function formatName(format: string | null, labels: Readonly<Record<string, string>> = {}): string | null {
  if (format === null || format.trim() === '') return null;
  const wanted = format.trim().toUpperCase();
  const label = Object.entries(labels).find(([key]) => key.toUpperCase() === wanted)?.[1];
  if (label !== undefined) return label;
  const words = format.trim().replace(/[_-]+/g, ' ').replace(/\s+/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * The zone's short name at `at`. en-US names only American zones (London is "GMT+1"), so a numeric
 * answer is asked again in en-GB, which names the European ones ("BST", "CEST").
 */
export function zoneName(at: number, timeZone: string): string {
  const name = (locale: string) =>
    new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: 'short' })
      .formatToParts(at)
      .find((part) => part.type === 'timeZoneName')?.value ?? timeZone;
  const us = name(LOCALE);
  if (!/^(GMT|UTC)[+-]/.test(us)) return us;
  const gb = name('en-GB');
  return /^[A-Z]{2,5}$/.test(gb) ? gb : us;
}

export interface SessionTimes {
  /** "Mon, May 4, 2026" (the start's day). */
  date: string;
  /** "10:00 AM EDT". */
  startTime: string;
  /** "11:00 AM EDT"; the date is added when the session ends on another day. */
  endTime: string;
  /** "Mon, May 4, 2026, 10:00 AM to 11:00 AM EDT": the whole span, the zone once. */
  when: string;
  /** The zone's short name ("EDT"). */
  timeZone: string;
}

export function sessionTimes(startsAt: number | null, endsAt: number, timeZone: string): SessionTimes {
  const zone = zoneName(endsAt, timeZone);
  // Newer ICU puts narrow no-break spaces in times ("9:00\u202fAM"); plain spaces keep an SMS in GSM-7.
  const format = (at: number, options: Intl.DateTimeFormatOptions) =>
    new Intl.DateTimeFormat(LOCALE, { timeZone, ...options }).format(at).replace(/[\u00a0\u2009\u202f]/g, ' ');
  const day: Intl.DateTimeFormatOptions = { weekday: 'short', month: 'short', day: 'numeric', year: 'numeric' };
  const clock: Intl.DateTimeFormatOptions = { hour: 'numeric', minute: '2-digit' };
  const start = startsAt ?? endsAt;
  const sameDay = format(start, day) === format(endsAt, day);
  const end = sameDay ? format(endsAt, clock) : `${format(endsAt, day)}, ${format(endsAt, clock)}`;
  return {
    date: format(start, day),
    startTime: `${format(start, clock)} ${zone}`,
    endTime: `${end} ${zone}`,
    when:
      startsAt === null
        ? `${format(endsAt, day)}, ending ${format(endsAt, clock)} ${zone}`
        : `${format(start, day)}, ${format(start, clock)} to ${end} ${zone}`,
    timeZone: zone,
  };
}
