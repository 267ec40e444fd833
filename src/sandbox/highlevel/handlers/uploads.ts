/**
 * Attachments: multipart upload, the signed-URL upload pair (initiate and complete) and setting a
 * message's attachment URLs. Files are kept in memory; URLs are relative, under /sandbox/files/<id>/<filename>,
 * for the HTTP layer to serve.
 */
import type { components } from '../../../highlevel/generated/conversations.js';
import { assertLocation, requireContact, requireConversation, requireMessage } from './access.js';
import { badRequest, forbidden, notFound, payloadTooLarge, uploadRejected } from './domain-error.js';
import type { HandlerDeps, HandlerMap } from './handler-deps.js';

type Schemas = components['schemas'];
/** The spec types these maps as a bare `object`, which openapi-typescript renders as Record<string, never>. */
type UploadFilesResponse = Omit<Schemas['UploadFilesResponseDto'], 'uploadedFiles'> & {
  uploadedFiles: Record<string, string>;
};
type CompleteUploadResponse = {
  uploadedFiles: Record<string, string>;
  metadata: { size: number; contentType: string };
} & Omit<Schemas['CompleteFileUploadResponseDto'], 'uploadedFiles' | 'metadata'>;

/** "The allowed file types are: JPG JPEG PNG MP4 MPEG ZIP RAR PDF DOC DOCX TXT MP3 WAV" (upload-file-attachments). */
const ALLOWED_EXTENSIONS = new Set([
  'jpg',
  'jpeg',
  'png',
  'mp4',
  'mpeg',
  'zip',
  'rar',
  'pdf',
  'doc',
  'docx',
  'txt',
  'mp3',
  'wav',
]);
/** Signed upload URLs are "valid for 15 minutes"; 100 MB for WHATSAPP, 5 MB otherwise (initiate-file-upload). */
const SIGNED_URL_TTL_MS = 15 * 60 * 1000;
const MB = 1024 * 1024;
/** add-message-attachments: "Maximum 5 URLs. Supported for TYPE_CUSTOM_CALL (34) and TYPE_CALL (1)". */
const MAX_MESSAGE_ATTACHMENTS = 5;

function extension(filename: string): string {
  const dot = filename.lastIndexOf('.');
  return dot < 0 ? '' : filename.slice(dot + 1).toLowerCase();
}

export function fileUrl(id: string, filename: string): string {
  return `/sandbox/files/${id}/${encodeURIComponent(filename)}`;
}

/** attachmentUrls arrives as one string or several (multipart text fields). */
function urlList(raw: unknown): string[] {
  if (raw === undefined || raw === null || raw === '') return [];
  return (Array.isArray(raw) ? raw : [raw]).map(String).filter((u) => u.length > 0);
}

export function uploadHandlers({ state }: HandlerDeps): HandlerMap {
  return {
    'upload-file-attachments': (req, ctx) => {
      const body = req.body ?? {};
      assertLocation(req.principal, String(body.locationId ?? ''));
      const conversation = requireConversation(state, req.principal, String(body.conversationId ?? ''));
      const contact = requireContact(state, req.principal, String(body.contactId ?? ''));
      if (conversation.contactId !== contact.id) {
        throw badRequest(`conversationId ${conversation.id} is not the conversation of contactId ${contact.id}`);
      }
      const urls = urlList(body.attachmentUrls);
      if (req.files.length === 0 && urls.length === 0) {
        throw badRequest(
          'fileAttachment or attachmentUrls is required: send a file part under fileAttachment or a URL',
        );
      }
      if (body.isGroupSms === 'true' && req.files.length > 1) {
        throw badRequest(`isGroupSms allows 1 file per request, got ${req.files.length}`);
      }
      for (const file of req.files) {
        if (!ALLOWED_EXTENSIONS.has(extension(file.filename))) {
          throw uploadRejected(
            415,
            `fileAttachment ${file.filename}: allowed types are ${[...ALLOWED_EXTENSIONS].join(', ')}`,
          );
        }
      }
      const uploadedFiles: Record<string, string> = {};
      for (const file of req.files) {
        const id = ctx.newId();
        const url = fileUrl(id, file.filename);
        const { filename, contentType, data } = file;
        state.files.addFile({
          id,
          locationId: conversation.locationId,
          filename,
          contentType,
          data,
          url,
          dateAdded: ctx.now(),
        });
        uploadedFiles[file.filename] = url;
      }
      // Remote URLs are listed under their last path segment and passed through as they are.
      for (const url of urls) uploadedFiles[decodeURIComponent(url.split('?')[0]!.split('/').pop() || url)] = url;
      const answer: UploadFilesResponse = { uploadedFiles };
      return { status: 200, body: answer };
    },

    'initiate-file-upload': (req, ctx) => {
      const body = req.body as Schemas['InitiateFileUploadDto'];
      assertLocation(req.principal, body.locationId);
      const conversation = requireConversation(state, req.principal, body.conversationId);
      const maxFileSize = body.channel.toUpperCase() === 'WHATSAPP' ? 100 * MB : 5 * MB;
      if (body.fileSize !== undefined && body.fileSize > maxFileSize) {
        throw payloadTooLarge(
          `fileSize ${body.fileSize} exceeds the ${maxFileSize}-byte limit for channel ${body.channel}`,
        );
      }
      const uploadId = ctx.newId();
      const ext = extension(body.filename);
      const filePath = `location/${body.locationId}/conversations/${conversation.id}/${uploadId}${ext ? `.${ext}` : ''}`;
      const expiresAt = ctx.now() + SIGNED_URL_TTL_MS;
      state.files.addUpload({
        uploadId,
        locationId: body.locationId,
        conversationId: conversation.id,
        filename: body.filename,
        contentType: body.contentType,
        filePath,
        expiresAt,
        maxFileSize,
        declaredSize: body.fileSize ?? null,
        data: null,
        completed: false,
      });
      const answer: Schemas['InitiateFileUploadResponseDto'] = {
        uploadUrl: `/sandbox/uploads/${uploadId}?expires=${expiresAt}`,
        uploadId,
        filePath,
        expiresAt,
        maxFileSize,
      };
      return { status: 200, body: answer };
    },

    'complete-file-upload': (req, ctx) => {
      const body = req.body as Schemas['CompleteFileUploadDto'];
      assertLocation(req.principal, body.locationId);
      const upload = state.files.getUpload(body.uploadId);
      if (!upload) throw notFound(`File not found in storage: unknown uploadId ${body.uploadId}`);
      assertLocation(req.principal, upload.locationId);
      if (upload.filePath !== body.filePath)
        throw badRequest(`filePath must be the filePath initiate returned for upload ${upload.uploadId}`);
      if (upload.conversationId !== body.conversationId) {
        throw badRequest(`conversationId must be the conversation upload ${upload.uploadId} was initiated for`);
      }
      // The PUT to the signed URL is optional in the sandbox; without it the file is empty.
      if (!upload.data && ctx.now() > upload.expiresAt) {
        throw notFound('File not found in storage - upload may have failed or URL expired');
      }
      const data = upload.data ?? Buffer.alloc(0);
      const url = fileUrl(upload.uploadId, body.filename);
      if (!upload.completed) {
        state.files.addFile({
          id: upload.uploadId,
          locationId: upload.locationId,
          filename: body.filename,
          contentType: upload.contentType,
          data,
          url,
          dateAdded: ctx.now(),
        });
        upload.completed = true;
      }
      const answer: CompleteUploadResponse = {
        uploadedFiles: { [body.filename]: url },
        metadata: { size: data.length, contentType: upload.contentType },
      };
      return { status: 200, body: answer };
    },

    'add-message-attachments': (req, ctx) => {
      const message = requireMessage(state, req.principal, req.params.messageId ?? '');
      const { attachments } = req.body as Schemas['AddMessageAttachmentsDto'];
      if (attachments.length > MAX_MESSAGE_ATTACHMENTS) {
        throw badRequest(`attachments allows at most ${MAX_MESSAGE_ATTACHMENTS} URLs, got ${attachments.length}`);
      }
      if (message.messageType !== 'TYPE_CALL' && message.messageType !== 'TYPE_CUSTOM_CALL') {
        throw forbidden('Message type does not support attachment updates');
      }
      // "Set attachments on an existing message (replaces existing)" (the spec).
      message.attachments = [...attachments];
      message.dateUpdated = ctx.now();
      // The spec declares no response body; the sandbox answers what was set.
      return { status: 200, body: { success: true, messageId: message.id, attachments: message.attachments } };
    },
  };
}
