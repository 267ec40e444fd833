/** One line of `parley doctor`: what was checked, how it went, and for every problem the fix. */
export type CheckLevel = 'ok' | 'warn' | 'fail';

export interface CheckResult {
  /** e.g. `config`, `master key`, `connection location:abc probe`. */
  name: string;
  level: CheckLevel;
  detail: string;
  /** Present on every warn and fail. */
  fix?: string;
}

export function ok(name: string, detail: string): CheckResult {
  return { name, level: 'ok', detail };
}

export function warn(name: string, detail: string, fix: string): CheckResult {
  return { name, level: 'warn', detail, fix };
}

export function fail(name: string, detail: string, fix: string): CheckResult {
  return { name, level: 'fail', detail, fix };
}

/** The code and message of anything thrown; boundary errors carry a stable string `code`. */
export function describeError(error: unknown): { code: string; message: string } {
  const code =
    typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string'
      ? (error as { code: string }).code
      : 'unexpected_error';
  const message = error instanceof Error ? error.message : String(error);
  return { code, message };
}
