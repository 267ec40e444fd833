/** The local index's one error base: stable string codes, never tokens or message bodies. */
export type IndexErrorCode = 'invalid_argument' | 'invalid_cursor' | 'sync_failed';

export class IndexError extends Error {
  readonly code: IndexErrorCode;

  constructor(code: IndexErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IndexError';
    this.code = code;
  }
}
