/**
 * The "since" of `parley inbox list --since` and `GET /api/admin/deliveries?since=`: an ISO 8601 date
 * or date-time, or a duration back from now (`90m`, `2h`, `7d`). A date-time without a zone is UTC, so
 * the same text means the same instant on every server.
 */

export const SINCE_FORMS = 'an ISO date/time (2025-05-06, 2025-05-06T09:30:00Z) or a duration (30m, 2h, 7d, 2w)';

const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const DURATION = /^(\d{1,6})([smhdw])$/;
const ISO = /^(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/** Epoch ms, or null when the text is neither form. */
export function parseSince(text: string, now: number): number | null {
  const value = text.trim();
  const duration = DURATION.exec(value);
  if (duration) return now - Number(duration[1]) * (UNIT_MS[duration[2] as string] as number);
  const iso = ISO.exec(value);
  if (iso === null || !isCalendarDate(iso[1] as string)) return null;
  const zoned = iso[2] === undefined || iso[5] !== undefined ? value : `${value}Z`;
  const at = Date.parse(zoned);
  return Number.isFinite(at) ? at : null;
}

// Date.parse rolls 2025-02-30 over to March 2nd; an impossible date is a typo, not a date.
function isCalendarDate(date: string): boolean {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const at = new Date(Date.UTC(year, month - 1, day));
  return at.getUTCFullYear() === year && at.getUTCMonth() === month - 1 && at.getUTCDate() === day;
}
