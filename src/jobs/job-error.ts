/**
 * The one error base of the pipeline boundary: what a job handler or the pipeline's
 * composition refuses, with a stable `code`. `retryable: false` makes the queue dead-letter the job at
 * once (src/queue/classify-error.ts reads the property).
 */
export type PipelineErrorCode =
  | 'missing_dependency'
  | 'invalid_job'
  | 'inbox_row_missing'
  | 'unmapped_delivery'
  | 'no_location'
  | 'workflow_files';

export class PipelineError extends Error {
  override readonly name = 'PipelineError';
  readonly retryable: boolean;

  constructor(
    readonly code: PipelineErrorCode,
    message: string,
    options: { retryable?: boolean; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryable = options.retryable ?? false;
  }
}
