/**
 * The one error base. Every boundary (store, vault, queue, HighLevel, Accelevents, intake, workflows,
 * console, CLI …) subclasses it with its own union of stable codes, and every subclass takes the same
 * arguments: `(code, message, options)`. Callers branch on `code`, never on the message; the CLI, the
 * console's error handler and the job worker read `code` from any ParleyError the same way.
 */
export interface ParleyErrorOptions {
  /** The lower-level error this one explains; kept for logs, never shown to a user as is. */
  cause?: unknown;
}

export class ParleyError<Code extends string = string> extends Error {
  override name = 'ParleyError';
  readonly code: Code;

  constructor(code: Code, message: string, options: ParleyErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}
