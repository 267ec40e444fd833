/**
 * Attachment upload (upload-file-attachments): the agent's file goes to HighLevel under the multipart
 * key `fileAttachment`, and the URLs HighLevel stores it at come back for a reply's `attachments`.
 */
import type { UploadFile } from '../../highlevel/client-types.js';
import type { Caller } from '../auth/resolve-caller.js';
import type { ConsoleDeps } from '../console-deps.js';
import { ConsoleError } from '../console-error.js';
import { conversationForWrite } from './write-targets.js';
import { callHighLevel } from './write-upstream.js';

/** HighLevel's upload limit outside WhatsApp (initiate-file-upload's `channel`); larger files need signed URLs. */
export const ATTACHMENT_LIMIT_BYTES = 5 * 1024 * 1024;

export async function uploadAttachment(
  deps: ConsoleDeps,
  caller: Caller,
  conversationId: string,
  file: UploadFile,
): Promise<{ urls: string[] }> {
  const conversation = await conversationForWrite(deps, caller, conversationId);
  if (conversation.contactId === null) {
    throw new ConsoleError('invalid_request', `conversation ${conversationId} has no contact to attach files for`, {
      field: 'conversationId',
    });
  }
  const contactId = conversation.contactId;
  const answer = await callHighLevel(
    deps,
    caller,
    conversation.locationId,
    (client, options) =>
      client.conversations.uploadFileAttachments(
        { conversationId, contactId, locationId: conversation.locationId },
        [file],
        options,
      ),
    'upload the file',
  );
  // UploadFilesResponseDto types uploadedFiles only as "object": a map of file name to URL.
  const uploaded = (answer.uploadedFiles ?? {}) as Record<string, unknown>;
  const urls = Object.values(uploaded).filter((url): url is string => typeof url === 'string');
  return { urls };
}
