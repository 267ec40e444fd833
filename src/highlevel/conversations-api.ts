/**
 * Typed methods for the 14 conversation operations parley supports, plus get-messages. Every parameter and
 * result type is derived from the generated `operations` type (api-types.ts); nothing is hand-typed.
 */

import type { PriorityLane } from '../lib/priority-lanes.js';
import type { ConversationOperationId, JsonBody, JsonResponse, MultipartBody, PathOf, QueryOf } from './api-types.js';
import type { CallInput, HighLevelCaller, UploadFile } from './client-types.js';
import type { GetMessagesResponse } from './normalize-get-messages.js';

export interface CallOptions {
  /** Location whose token to use when the request itself names none (e.g. get-conversation). */
  locationId?: string;
  /** Rate scheduler lane (PRIORITY in src/queue/types.ts); default `'automation'`. */
  lane?: PriorityLane;
  signal?: AbortSignal;
}

type SendBody = JsonBody<'send-a-new-message'>;

/**
 * `subType` defaults to `type` and `status` to "pending": the 2026-05-01 spec made both required
 * (docs/highlevel-api.md; spec defects `send-requires-status`, `subtype-typed-object`).
 */
export type SendMessageInput = Omit<SendBody, 'subType' | 'status'> & Partial<Pick<SendBody, 'subType' | 'status'>>;

/** Upload form fields; the files go separately (multipart key `fileAttachment`). */
export type UploadAttachmentsInput = Omit<MultipartBody<'upload-file-attachments'>, 'fileAttachment'>;

export interface FileDownload<T> {
  data: T;
  contentType: string | null;
  filename: string | null;
}

export function createConversationsApi(caller: HighLevelCaller) {
  async function data<T>(operationId: ConversationOperationId, input: CallInput): Promise<T> {
    return (await caller.call<T>(operationId, input)).data;
  }
  async function download<T>(operationId: ConversationOperationId, input: CallInput): Promise<FileDownload<T>> {
    const result = await caller.call<T>(operationId, input);
    return {
      data: result.data,
      contentType: result.download?.contentType ?? null,
      filename: result.download?.filename ?? null,
    };
  }

  return {
    getConversation: (conversationId: string, options: CallOptions = {}) =>
      data<JsonResponse<'get-conversation'>>('get-conversation', { ...options, path: { conversationId } }),

    searchConversations: (query: QueryOf<'search-conversation'>, options: CallOptions = {}) =>
      data<JsonResponse<'search-conversation'>>('search-conversation', { ...options, query }),

    createConversation: (body: JsonBody<'create-conversation'>, options: CallOptions = {}) =>
      data<JsonResponse<'create-conversation'>>('create-conversation', { ...options, body }),

    updateConversation: (conversationId: string, body: JsonBody<'update-conversation'>, options: CallOptions = {}) =>
      data<JsonResponse<'update-conversation'>>('update-conversation', { ...options, path: { conversationId }, body }),

    deleteConversation: (conversationId: string, options: CallOptions = {}) =>
      data<JsonResponse<'delete-conversation'>>('delete-conversation', { ...options, path: { conversationId } }),

    /** The call recording (audio/x-wav per the spec) as bytes. */
    getMessageRecording: (path: PathOf<'get-message-recording'>, options: CallOptions = {}) =>
      download<Buffer>('get-message-recording', { ...options, path }),

    /** Always a list of sentences, even when HighLevel answers one object. */
    getMessageTranscription: (path: PathOf<'get-message-transcription'>, options: CallOptions = {}) =>
      data<JsonResponse<'get-message-transcription'>>('get-message-transcription', { ...options, path }),

    /** The transcript as plain text (text/plain per the spec). */
    downloadMessageTranscription: (path: PathOf<'download-message-transcription'>, options: CallOptions = {}) =>
      download<string>('download-message-transcription', { ...options, path }),

    /** Not retried after a timeout or 5xx: a failure then has `ambiguous: true` (retry-policy.ts). */
    sendMessage: (input: SendMessageInput, options: CallOptions = {}) => {
      const body: SendBody = { ...input, subType: input.subType ?? input.type, status: input.status ?? 'pending' };
      return data<JsonResponse<'send-a-new-message'>>('send-a-new-message', { ...options, body });
    },

    addInboundMessage: (body: JsonBody<'add-an-inbound-message'>, options: CallOptions = {}) =>
      data<JsonResponse<'add-an-inbound-message'>>('add-an-inbound-message', { ...options, body }),

    uploadFileAttachments: (fields: UploadAttachmentsInput, files: readonly UploadFile[], options: CallOptions = {}) =>
      data<JsonResponse<'upload-file-attachments'>>('upload-file-attachments', { ...options, body: fields, files }),

    updateMessageStatus: (messageId: string, body: JsonBody<'update-message-status'>, options: CallOptions = {}) =>
      data<JsonResponse<'update-message-status'>>('update-message-status', { ...options, path: { messageId }, body }),

    /** Throws `cancel_failed` when HighLevel answers 200 with a failure status in the body. */
    cancelScheduledMessage: (messageId: string, options: CallOptions = {}) =>
      data<JsonResponse<'cancel-scheduled-message'>>('cancel-scheduled-message', { ...options, path: { messageId } }),

    cancelScheduledEmail: (emailMessageId: string, options: CallOptions = {}) =>
      data<JsonResponse<'cancel-scheduled-email-message'>>('cancel-scheduled-email-message', {
        ...options,
        path: { emailMessageId },
      }),

    /** Always the flat page shape, whether HighLevel wraps it or not. */
    getMessages: (conversationId: string, query: QueryOf<'get-messages'> = {}, options: CallOptions = {}) =>
      data<GetMessagesResponse>('get-messages', { ...options, path: { conversationId }, query }),
  };
}

export type ConversationsApi = ReturnType<typeof createConversationsApi>;
