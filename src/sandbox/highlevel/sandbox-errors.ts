/** The sandbox's error for bad options and bad control calls: a stable `code` and a message naming the field. */
import { ParleyError } from '../../lib/parley-error.js';

export type SandboxErrorCode =
  | 'invalid_option'
  | 'unknown_location'
  | 'unknown_conversation'
  | 'unknown_workflow'
  | 'not_listening';

export class SandboxError extends ParleyError<SandboxErrorCode> {
  override readonly name = 'SandboxError';
}
