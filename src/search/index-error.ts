/** The local index's one error base: stable string codes, never tokens or message bodies. */
import { ParleyError } from '../lib/parley-error.js';

export type IndexErrorCode = 'invalid_argument' | 'invalid_cursor' | 'sync_failed';

export class IndexError extends ParleyError<IndexErrorCode> {
  override readonly name = 'IndexError';
}
