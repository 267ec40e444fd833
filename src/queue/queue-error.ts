/**
 * The one error type of the queue boundary. `code` is stable: the worker and `parley dlq` branch on
 * it, never on the message. Messages carry job ids and kinds, never payloads (a payload may hold an
 * attendee's contact details).
 */
import { ParleyError, type ParleyErrorOptions } from '../lib/parley-error.js';

/** `non_retryable`: a handler's own verdict that its job can never succeed (NonRetryableError). */
export type QueueErrorCode = 'invalid_argument' | 'lease_lost' | 'job_not_found' | 'non_retryable';

export class QueueError extends ParleyError<QueueErrorCode> {
  override readonly name: string = 'QueueError';
}

/** Thrown by a handler to fail its job at once, without retries (BullMQ's UnrecoverableError). */
export class NonRetryableError extends QueueError {
  override readonly name = 'NonRetryableError';
  constructor(message: string, options: ParleyErrorOptions = {}) {
    super('non_retryable', message, options);
  }
}
