/**
 * The one error type of the queue boundary. `code` is stable: the worker and `parley dlq` branch on
 * it, never on the message. Messages carry job ids and kinds, never payloads (a payload may hold an
 * attendee's contact details).
 */
export type QueueErrorCode = 'invalid_argument' | 'lease_lost' | 'job_not_found';

export class QueueError extends Error {
  override readonly name = 'QueueError';
  constructor(
    readonly code: QueueErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
