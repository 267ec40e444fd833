import { ParleyError } from '../lib/parley-error.js';

/** What composing parley can fail with beyond its parts' own errors: the sandboxes or an in-process run. */
export type AppErrorCode = 'sandbox_refused' | 'simulate_failed' | 'parley_unreachable';

export class AppError extends ParleyError<AppErrorCode> {
  override name = 'AppError';
}
