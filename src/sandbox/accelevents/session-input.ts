/**
 * Checks what the sandbox's control surface hands it for a new session or a session's recording, before
 * any state changes: a bad field answers 400 naming it (`endsAt must be after startsAt`).
 */
import { failures } from './api-failure.js';

/** The session formats https://developer.accelevents.com/reference/get-all-sessions-1 lists. */
export const SESSION_FORMATS = ['MAIN_STAGE', 'BREAKOUT_SESSION', 'MEET_UP', 'WORKSHOP', 'EXPO', 'BREAK', 'OTHER'];

export interface SessionInput {
  title: string;
  /** Default BREAKOUT_SESSION. */
  format?: string;
  /** Epoch ms; the wire shows it as `yyyy/MM/dd HH:mm` in the event's zone. */
  startsAt: number;
  endsAt: number;
  recordingUrl?: string | null;
  capacity?: number;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An absolute http(s) URL, or null for "no recording". */
export function checkRecordingUrl(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  try {
    const url = new URL(String(value));
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.toString();
  } catch {}
  throw failures.badRequest(`recordingUrl must be an absolute http(s) URL or null, got ${JSON.stringify(value)}`);
}

export function checkSessionInput(value: unknown): Required<SessionInput> {
  if (!isObject(value)) throw failures.badRequest('session must be an object');
  const { title, format, startsAt, endsAt, capacity } = value;
  if (typeof title !== 'string' || title.trim() === '') throw failures.badRequest('title must be a non-empty string');
  if (format !== undefined && (typeof format !== 'string' || !SESSION_FORMATS.includes(format))) {
    throw failures.badRequest(`format must be one of ${SESSION_FORMATS.join(', ')}, got ${JSON.stringify(format)}`);
  }
  for (const [name, at] of [
    ['startsAt', startsAt],
    ['endsAt', endsAt],
  ] as const) {
    if (!Number.isInteger(at) || (at as number) < 0) {
      throw failures.badRequest(`${name} must be epoch milliseconds (a whole number), got ${JSON.stringify(at)}`);
    }
  }
  if ((endsAt as number) <= (startsAt as number)) throw failures.badRequest('endsAt must be after startsAt');
  if (capacity !== undefined && (!Number.isInteger(capacity) || (capacity as number) < 0)) {
    throw failures.badRequest(`capacity must be a whole number ≥ 0, got ${JSON.stringify(capacity)}`);
  }
  return {
    title: title.trim(),
    format: (format as string | undefined) ?? 'BREAKOUT_SESSION',
    startsAt: startsAt as number,
    endsAt: endsAt as number,
    recordingUrl: checkRecordingUrl(value.recordingUrl),
    capacity: (capacity as number | undefined) ?? 200,
  };
}
