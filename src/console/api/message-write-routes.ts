/**
 * The console API's writes: reply, inbound message, attachment upload, message status, cancel a
 * scheduled message or email, mark a conversation
 * read/unread/starred, delete it. The work is in src/console/conversations/write-*.ts; this file only
 * declares the routes, their roles and schemas.
 */
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Role } from '../auth/roles.js';
import type { ConsoleDeps } from '../console-deps.js';
import { ConsoleError } from '../console-error.js';
import { ATTACHMENT_LIMIT_BYTES, uploadAttachment } from '../conversations/write-attachments.js';
import {
  type ConversationFlags,
  deleteConversation,
  updateConversationFlags,
} from '../conversations/write-conversation-state.js';
import {
  cancelScheduledEmail,
  cancelScheduledMessage,
  type MessageStatusInput,
  updateMessageStatus,
} from '../conversations/write-message-state.js';
import { addInboundMessage, type InboundInput, type ReplyInput, sendReply } from '../conversations/write-messages.js';
import {
  conversationFlagsBody,
  conversationParams,
  emailParams,
  inboundBody,
  messageParams,
  messageStatusBody,
  replyBody,
  writtenMessageResponse,
} from '../conversations/write-schemas.js';
import { apiRoute } from './api-route.js';

const WRITERS: readonly Role[] = ['agent', 'sponsor', 'admin'];
const TAG = 'Messages (write)';

const conversationId = (request: FastifyRequest) => (request.params as { conversationId: string }).conversationId;
const messageId = (request: FastifyRequest) => (request.params as { messageId: string }).messageId;

export function registerMessageWriteRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  apiRoute(app, {
    method: 'PATCH',
    url: '/api/conversations/:conversationId',
    roles: WRITERS,
    summary: 'Mark a conversation read or unread, starred or not (HighLevel update-conversation)',
    tag: TAG,
    schema: { params: conversationParams, body: conversationFlagsBody },
    handler: (request, _reply, caller) =>
      updateConversationFlags(deps, caller, conversationId(request), request.body as ConversationFlags),
  });

  apiRoute(app, {
    method: 'DELETE',
    url: '/api/conversations/:conversationId',
    roles: ['admin'],
    summary: 'Delete a conversation in HighLevel and the local index',
    tag: TAG,
    schema: { params: conversationParams, response: { 204: { type: 'null' } } },
    handler: async (request, reply, caller) => {
      await deleteConversation(deps, caller, conversationId(request));
      return reply.code(204).send();
    },
  });

  apiRoute(app, {
    method: 'POST',
    url: '/api/conversations/:conversationId/messages',
    roles: WRITERS,
    summary: "Reply to the conversation's contact, now or at scheduledTimestamp (HighLevel send-a-new-message)",
    tag: TAG,
    schema: { params: conversationParams, body: replyBody, response: { 201: writtenMessageResponse } },
    handler: async (request, reply, caller) => {
      const written = await sendReply(deps, caller, conversationId(request), request.body as ReplyInput);
      return reply.code(201).send(written);
    },
  });

  apiRoute(app, {
    method: 'POST',
    url: '/api/conversations/:conversationId/inbound',
    roles: WRITERS,
    summary: 'Add an inbound message reported by a custom conversation provider (HighLevel add-an-inbound-message)',
    tag: TAG,
    schema: { params: conversationParams, body: inboundBody, response: { 201: writtenMessageResponse } },
    handler: async (request, reply, caller) => {
      const written = await addInboundMessage(deps, caller, conversationId(request), request.body as InboundInput);
      return reply.code(201).send(written);
    },
  });

  apiRoute(app, {
    method: 'PUT',
    url: '/api/messages/:messageId/status',
    roles: WRITERS,
    summary: "Set an outbound message's delivery status (HighLevel update-message-status)",
    tag: TAG,
    schema: { params: messageParams, body: messageStatusBody },
    handler: (request, _reply, caller) =>
      updateMessageStatus(deps, caller, messageId(request), request.body as MessageStatusInput),
  });

  apiRoute(app, {
    method: 'DELETE',
    url: '/api/messages/:messageId/schedule',
    roles: WRITERS,
    summary: 'Cancel a scheduled message (HighLevel cancel-scheduled-message)',
    tag: TAG,
    schema: { params: messageParams },
    handler: (request, _reply, caller) => cancelScheduledMessage(deps, caller, messageId(request)),
  });

  apiRoute(app, {
    method: 'DELETE',
    url: '/api/emails/:emailMessageId/schedule',
    roles: WRITERS,
    summary: 'Cancel a scheduled email (HighLevel cancel-scheduled-email-message)',
    tag: TAG,
    schema: { params: emailParams },
    handler: (request, _reply, caller) =>
      cancelScheduledEmail(deps, caller, (request.params as { emailMessageId: string }).emailMessageId),
  });

  // Multipart parsing lives in its own encapsulated scope so no other route accepts multipart bodies.
  app.register(async (scope) => {
    await scope.register(multipart, { limits: { fileSize: ATTACHMENT_LIMIT_BYTES, files: 1, fields: 10 } });
    apiRoute(scope, {
      method: 'POST',
      url: '/api/conversations/:conversationId/attachments',
      roles: WRITERS,
      summary: 'Upload one file (multipart field `file`, up to 5 MB) for a reply; answers the URLs to attach',
      tag: TAG,
      schema: {
        params: conversationParams,
        consumes: ['multipart/form-data'],
        response: { 200: { type: 'object', properties: { urls: { type: 'array', items: { type: 'string' } } } } },
      },
      handler: async (request, _reply, caller) => {
        const file = await readFile(request);
        return uploadAttachment(deps, caller, conversationId(request), file);
      },
    });
  });
}

async function readFile(request: FastifyRequest) {
  if (!request.isMultipart()) {
    throw new ConsoleError('invalid_request', 'send multipart/form-data with the file in the field `file`', {
      field: 'file',
    });
  }
  const cutOff = () =>
    new ConsoleError(
      'invalid_request',
      'the multipart body ended before the file part was complete (cut off, or missing its closing boundary)',
      { field: 'file' },
    );
  const part = await request.file().catch((error: unknown) => {
    throw isCutOff(error) ? cutOff() : error;
  });
  if (part?.fieldname !== 'file') {
    throw new ConsoleError('invalid_request', 'the multipart field `file` is missing', { field: 'file' });
  }
  const tooLarge = () =>
    new ConsoleError('invalid_request', `file is larger than ${ATTACHMENT_LIMIT_BYTES} bytes (5 MB)`, {
      field: 'file',
    });
  try {
    const data = await part.toBuffer();
    // toBuffer only checks `truncated` between chunks, so a limit hit on the last chunk returns the cut
    // bytes without an error (seen under load); the stream's own flag is the reliable answer.
    if (part.file.truncated) throw tooLarge();
    return { name: part.filename, data, contentType: part.mimetype };
  } catch (error) {
    if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge();
    if (isCutOff(error)) throw cutOff();
    throw error;
  }
}

/**
 * A body that stops inside a part. @fastify/busboy's parser says so in words ("Part terminated early
 * due to unexpected end of multipart data",
 * https://github.com/fastify/busboy/blob/main/deps/dicer/lib/Dicer.js), or the file stream's reader
 * sees the stream end first, as a premature close.
 */
function isCutOff(error: unknown): boolean {
  const { code, message } = error as { code?: string; message?: string };
  return code === 'ERR_STREAM_PREMATURE_CLOSE' || /unexpected end of multipart data/i.test(message ?? '');
}
