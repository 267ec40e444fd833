import type { components } from '../../../highlevel/generated/conversations.js';
import { ParleyError, type ParleyErrorOptions } from '../../../lib/parley-error.js';
import type { SandboxResponse } from '../types.js';

type Schemas = components['schemas'];

export type SandboxDomainErrorCode =
  | 'location_forbidden'
  | 'forbidden'
  | 'not_found'
  | 'bad_request'
  | 'unprocessable'
  | 'payload_too_large'
  | 'upload_rejected';

/**
 * The one error base of the sandbox's domain layer. A handler throws it; `toErrorResponse` turns it into
 * HighLevel's error body for that status (common-schemas BadRequestDTO / UnprocessableDTO, and the v3
 * ForbiddenDTO / NotFoundDTO shapes, see api-error-bodies.ts). `code` is stable for logs and tests.
 */
export interface SandboxDomainErrorOptions extends ParleyErrorOptions {
  /** The HTTP status the sandbox answers with. */
  status: number;
  /** HighLevel's error body for that status, sent as is. */
  body: Record<string, unknown>;
}

export class SandboxDomainError extends ParleyError<SandboxDomainErrorCode> {
  override readonly name = 'SandboxDomainError';
  readonly status: number;
  readonly body: Record<string, unknown>;

  constructor(code: SandboxDomainErrorCode, message: string, options: SandboxDomainErrorOptions) {
    super(code, message, options);
    this.status = options.status;
    this.body = options.body;
  }
}

/** HighLevel's answer when a token's location does not match the resource's (live text). */
export function locationForbidden(): SandboxDomainError {
  const message = 'The token does not have access to this location';
  return new SandboxDomainError('location_forbidden', message, {
    status: 403,
    body: { statusCode: 403, message, error: 'Forbidden' },
  });
}

export function forbidden(message: string): SandboxDomainError {
  return new SandboxDomainError('forbidden', message, {
    status: 403,
    body: { statusCode: 403, message, error: 'Forbidden' },
  });
}

export function notFound(message: string): SandboxDomainError {
  return new SandboxDomainError('not_found', message, { status: 404, body: { statusCode: 404, message } });
}

export function badRequest(message: string): SandboxDomainError {
  const body: Schemas['BadRequestDTO'] = { statusCode: 400, message };
  return new SandboxDomainError('bad_request', message, { status: 400, body });
}

/** 422 with HighLevel's UnprocessableDTO: `message` is an array of strings (the error's message is its JSON). */
export function unprocessable(messages: string[]): SandboxDomainError {
  const body: Schemas['UnprocessableDTO'] = { statusCode: 422, message: messages, error: 'Unprocessable Entity' };
  return new SandboxDomainError('unprocessable', JSON.stringify(messages), { status: 422, body });
}

export function payloadTooLarge(message: string): SandboxDomainError {
  return new SandboxDomainError('payload_too_large', message, { status: 413, body: { statusCode: 413, message } });
}

/** Upload 413/415 use their own body, UploadFilesErrorResponseDto `{ status, message }` (upload-file-attachments). */
export function uploadRejected(status: 413 | 415, message: string): SandboxDomainError {
  const body: Schemas['UploadFilesErrorResponseDto'] = { status, message };
  return new SandboxDomainError('upload_rejected', message, { status, body });
}

export function toErrorResponse(error: SandboxDomainError): SandboxResponse {
  return { status: error.status, body: error.body };
}
