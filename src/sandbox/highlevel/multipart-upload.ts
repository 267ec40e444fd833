/**
 * Reads the multipart body of upload-file-attachments (POST /conversations/messages/upload).
 * The operation description says files go as parts under the key `fileAttachment`, though the
 * published UploadFilesDto never mentions it (spec defect upload-file-attachment-key): text fields
 * become the body, `fileAttachment` parts become files, and a request must carry at least one file
 * or `attachmentUrls`. Files over 5 MB answer 413 with UploadFilesErrorResponseDto
 * (the limit is the sandbox's choice; HighLevel states none in the spec).
 */
import type {} from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { badRequest, type ErrorReply, unprocessable, uploadError } from './api-error-bodies.js';
import type { SandboxFile } from './types.js';

export const UPLOAD_OPERATION_ID = 'upload-file-attachments';
export const FILE_FIELD = 'fileAttachment';
export const MAX_UPLOAD_FILE_BYTES = 5 * 1024 * 1024;

export type UploadRead =
  | { ok: true; fields: Record<string, string | string[]>; files: SandboxFile[] }
  | { ok: false; reply: ErrorReply };

function addField(fields: Record<string, string | string[]>, name: string, value: string): void {
  const existing = fields[name];
  if (existing === undefined) fields[name] = value;
  else fields[name] = Array.isArray(existing) ? [...existing, value] : [existing, value];
}

export async function readUpload(request: FastifyRequest): Promise<UploadRead> {
  if (!request.isMultipart()) {
    return { ok: false, reply: uploadError(415, 'Content-Type must be multipart/form-data') };
  }
  const fields: Record<string, string | string[]> = {};
  const files: SandboxFile[] = [];
  const strayFileFields = new Set<string>();
  try {
    for await (const part of request.parts({ limits: { fileSize: MAX_UPLOAD_FILE_BYTES } })) {
      if (part.type === 'field') {
        addField(fields, part.fieldname, String(part.value));
        continue;
      }
      const data = await part.toBuffer();
      if (part.fieldname !== FILE_FIELD) {
        strayFileFields.add(part.fieldname);
        continue;
      }
      files.push({ field: part.fieldname, filename: part.filename, contentType: part.mimetype, data });
    }
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') {
      return { ok: false, reply: uploadError(413, `Each file must be at most ${MAX_UPLOAD_FILE_BYTES} bytes (5 MB)`) };
    }
    return { ok: false, reply: badRequest(`Malformed multipart body: ${(error as Error).message}`) };
  }
  if (strayFileFields.size > 0) {
    const names = [...strayFileFields].join(', ');
    return { ok: false, reply: unprocessable([`files must be sent under the key ${FILE_FIELD}, not ${names}`]) };
  }
  return { ok: true, fields, files };
}

/** The rule the spec cannot express: at least one file part or one attachment URL. */
export function missingAttachments(body: Record<string, unknown>, files: SandboxFile[]): string | null {
  const urls = body['attachmentUrls'];
  const hasUrls = Array.isArray(urls) ? urls.length > 0 : typeof urls === 'string' && urls.length > 0;
  if (files.length > 0 || hasUrls) return null;
  return `${FILE_FIELD} or attachmentUrls is required: send at least one file part under ${FILE_FIELD} or one attachment URL`;
}
