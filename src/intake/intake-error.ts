/**
 * The intake boundary's one error base. `code` is stable; messages name the field or setting and what
 * was expected, and never carry a webhook secret, an HMAC key or a payload value beyond ids.
 */
import { ParleyError } from '../lib/parley-error.js';

export type IntakeErrorCode =
  /** A mapping setting is unusable (a bad path, an unknown topic). */
  | 'invalid_mapping'
  /** The HMAC secret's environment variable is unset or empty. */
  | 'missing_hmac_secret'
  /** A collaborator the route or function needs was not given. */
  | 'missing_dependency'
  /** An option is out of range (e.g. the intake batch size). */
  | 'invalid_option'
  /** Re-fetch needs ids the payload did not carry (eventUrl, orderId, ticket id). */
  | 'refetch_missing_ids'
  /** The API answered, but the attendee the payload named is not in the record. */
  | 'refetch_not_found'
  /** The topic has no re-fetch rule (the payload was not mapped to a known topic). */
  | 'refetch_unsupported'
  /** Reprocessing was asked for without ids, a status or a reason code. */
  | 'invalid_selector'
  /** A delivery id given to reprocess does not exist. */
  | 'delivery_not_found'
  /** A stored body names no record (written by hand, or by an old version). */
  | 'invalid_body';

export class IntakeError extends ParleyError<IntakeErrorCode> {
  override readonly name = 'IntakeError';
}
