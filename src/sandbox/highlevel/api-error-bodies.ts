/**
 * Error bodies the sandbox answers with, shaped like HighLevel's (NestJS) errors:
 * BadRequestDTO, UnauthorizedDTO, UnprocessableDTO from common-schemas, ForbiddenDTO and NotFoundDTO
 * from the v3 common schemas. One place, so every route says it the same way.
 * v3 schemas: https://github.com/GoHighLevel/highlevel-api-docs/blob/main/apps/v3/common/common-schemas.json
 */

export interface ErrorReply {
  status: number;
  body: Record<string, unknown>;
}

export function badRequest(message: string): ErrorReply {
  return { status: 400, body: { statusCode: 400, message } };
}

export function unauthorized(message: string): ErrorReply {
  return { status: 401, body: { statusCode: 401, message, error: 'Unauthorized' } };
}

export function forbidden(message: string): ErrorReply {
  return { status: 403, body: { statusCode: 403, message, error: 'Forbidden' } };
}

/** NestJS answers unknown routes with "Cannot <METHOD> <path>". */
export function routeNotFound(method: string, url: string): ErrorReply {
  const path = url.split('?')[0] ?? url;
  return { status: 404, body: { statusCode: 404, message: `Cannot ${method} ${path}` } };
}

export function unprocessable(messages: string[]): ErrorReply {
  return { status: 422, body: { statusCode: 422, message: messages, error: 'Unprocessable Entity' } };
}

export function tooManyRequests(): ErrorReply {
  return { status: 429, body: { statusCode: 429, message: 'Too Many Requests', error: 'Too Many Requests' } };
}

/** UploadFilesErrorResponseDto: the upload operation's own error shape, `status` instead of `statusCode`. */
export function uploadError(status: 400 | 413 | 415, message: string): ErrorReply {
  return { status, body: { status, message } };
}

export function internalError(message = 'Internal server error'): ErrorReply {
  return { status: 500, body: { statusCode: 500, message } };
}
