/**
 * The one error base of the pollers, with a stable `code`. `retryable: false` makes
 * the queue dead-letter the job at once (src/queue/classify-error.ts reads the property).
 */
import { ParleyError, type ParleyErrorOptions } from '../../lib/parley-error.js';

export type PollerErrorCode =
  | 'missing_dependency'
  | 'invalid_argument'
  | 'invalid_job'
  | 'attendee_runs_failed'
  | 'session_attendance_unavailable';

export class PollerError extends ParleyError<PollerErrorCode> {
  override readonly name = 'PollerError';
  readonly retryable: boolean;

  constructor(code: PollerErrorCode, message: string, options: ParleyErrorOptions & { retryable?: boolean } = {}) {
    super(code, message, options);
    this.retryable = options.retryable ?? false;
  }
}

/** Constructors call this for each required collaborator, so a missing one fails at start-up, by name. */
export function requireDeps(owner: string, deps: object | undefined, names: readonly string[]): void {
  for (const name of names) {
    if ((deps as Record<string, unknown> | undefined)?.[name] == null) {
      throw new PollerError('missing_dependency', `${owner}: deps.${name} is required`);
    }
  }
}

/** Event URLs must be a list of non-empty strings; the error names the field. */
export function checkEventUrls(owner: string, events: unknown): string[] {
  if (!Array.isArray(events) || events.some((e) => typeof e !== 'string' || e.trim() === '')) {
    throw new PollerError(
      'invalid_argument',
      `${owner}: events must be a list of Accelevents event URLs (e.g. ["parley-spring-summit"]); got ${JSON.stringify(events)}`,
    );
  }
  return events.map((e: string) => e.trim());
}
