/**
 * The HighLevel operations the console calls (src/console/**), which the scope planner requests for
 * the console features (src/features/feature-operations.ts). test/features/code-path-operations.test.ts reads
 * the console's source and fails when a call is added here without being listed, or the other way.
 */

/** Reads: a conversation or message the index lacks (then mirrored, with its contact), threads, calls. */
export const CONSOLE_READ_OPERATIONS = [
  'get-conversation',
  'get-contact',
  'get-message',
  'get-messages',
  'get-message-transcription',
  'get-message-recording',
] as const;

/** Writes: replies and logged inbound messages, attachments, conversation and message state. */
export const CONSOLE_WRITE_OPERATIONS = [
  'send-a-new-message',
  'add-an-inbound-message',
  'upload-file-attachments',
  'update-conversation',
  'delete-conversation',
  'update-message-status',
  'cancel-scheduled-message',
  // A scheduled email is cancelled by its email id, found through the message and the email.
  'cancel-scheduled-email-message',
  'get-email-by-id',
] as const;
