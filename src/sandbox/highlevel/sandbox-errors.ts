/** The sandbox's error for bad options and bad control calls: a stable `code` and a message naming the field. */
export class SandboxError extends Error {
  override readonly name = 'SandboxError';
  constructor(
    message: string,
    readonly code: 'invalid_option' | 'unknown_location' | 'unknown_conversation' | 'not_listening',
  ) {
    super(message);
  }
}
