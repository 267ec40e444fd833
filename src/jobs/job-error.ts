/**
 * The one error base of the pipeline boundary: what a job handler or the pipeline's
 * composition refuses, with a stable `code`. `retryable: false` makes the queue dead-letter the job at
 * once (src/queue/classify-error.ts reads the property).
 */
import { ParleyError, type ParleyErrorOptions } from '../lib/parley-error.js';

export type PipelineErrorCode =
  | 'missing_dependency'
  | 'invalid_job'
  | 'inbox_row_missing'
  | 'unmapped_delivery'
  | 'no_location'
  | 'workflow_files';

export class PipelineError extends ParleyError<PipelineErrorCode> {
  override readonly name = 'PipelineError';
  readonly retryable: boolean;

  constructor(code: PipelineErrorCode, message: string, options: ParleyErrorOptions & { retryable?: boolean } = {}) {
    super(code, message, options);
    this.retryable = options.retryable ?? false;
  }
}
