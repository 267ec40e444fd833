/**
 * The one place that turns an HTTP answer (status, body, headers) or a failed fetch into the right
 * `HighLevelError` class, so callers branch on the class and `code`, never on a status or message.
 */
import {
  HighLevelCancelFailedError,
  type HighLevelError,
  HighLevelForbiddenError,
  HighLevelInvalidRequestError,
  HighLevelInvalidResponseError,
  HighLevelNetworkError,
  HighLevelNotFoundError,
  HighLevelRateLimitedError,
  HighLevelServerError,
  HighLevelTimeoutError,
  HighLevelUnauthorizedError,
  type RequestCopy,
} from './errors.js';
import { type HeaderReader, parseRateLimitHeaders, parseRetryAfterMs } from './rate-limit-headers.js';

export interface ResponseFacts {
  operationId: string;
  status: number;
  /** Parsed JSON, or the text when the body is not JSON, or undefined when empty. */
  body: unknown;
  headers: HeaderReader;
  request: RequestCopy;
  /** Strings (the access token) scrubbed from any message, in case a server echoes them. */
  secrets?: string[];
}

/** The two operations that answer HTTP 200 with an error `status` in the body (docs/highlevel-api.md). */
const CANCEL_SCHEDULE_OPERATIONS = new Set(['cancel-scheduled-message', 'cancel-scheduled-email-message']);

const DEFAULT_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * HighLevel's message order, as the official SDK's lib/HighLevel.ts reads it: `message` (string or
 * array), `error`, `detail`.
 */
function extractMessages(body: unknown): string[] {
  if (typeof body === 'string') return body.trim() ? [body.trim().slice(0, 500)] : [];
  if (!isRecord(body)) return [];
  if (Array.isArray(body.message)) return body.message.map(String);
  if (typeof body.message === 'string') return [body.message];
  // v3 "AIP" envelope: {error: {code, message}}.
  if (isRecord(body.error) && typeof body.error.message === 'string') return [body.error.message];
  if (typeof body.error === 'string') return [body.error];
  if (typeof body.detail === 'string') return [body.detail];
  return [];
}

function scrub(messages: string[], secrets: string[]): string[] {
  const real = secrets.filter((s) => s.length >= 8);
  return messages.map((m) => real.reduce((text, secret) => text.split(secret).join('[redacted]'), m));
}

/**
 * Scope names look like `conversations.readonly` or `conversations/message.write` (docs/oauth/Scopes.md
 * in https://github.com/GoHighLevel/highlevel-api-docs).
 */
const SCOPE_PATTERN = /\b([a-z]+(?:\/[a-z]+)?\.(?:readonly|write))\b/i;

/** Returns the error a response stands for, or null when it is a real success. */
export function errorFromResponse(facts: ResponseFacts): HighLevelError | null {
  const { operationId, status, body } = facts;
  const messages = scrub(extractMessages(body), facts.secrets ?? []);
  const traceId = isRecord(body) && typeof body.traceId === 'string' ? body.traceId : null;
  const rateLimit = parseRateLimitHeaders(facts.headers);
  const text = messages.length > 0 ? messages.join('; ') : (DEFAULT_TEXT[status] ?? 'no message');
  const message = `HighLevel ${operationId} answered HTTP ${status}: ${text}`;
  const options = { operationId, status, traceId, rateLimit, messages, request: facts.request };

  if (status >= 200 && status < 300) {
    const bodyStatus = isRecord(body) ? body.status : undefined;
    if (CANCEL_SCHEDULE_OPERATIONS.has(operationId) && typeof bodyStatus === 'number' && bodyStatus >= 400) {
      const failed = `HighLevel ${operationId} answered HTTP ${status} with failure status ${bodyStatus}: ${text}`;
      return new HighLevelCancelFailedError(failed, { ...options, bodyStatus });
    }
    return null;
  }
  if (status === 401) return new HighLevelUnauthorizedError(message, options);
  if (status === 403) {
    return new HighLevelForbiddenError(message, { ...options, missingScope: SCOPE_PATTERN.exec(text)?.[1] ?? null });
  }
  if (status === 404) return new HighLevelNotFoundError(message, options);
  if (status === 429) {
    return new HighLevelRateLimitedError(message, { ...options, retryAfterMs: parseRetryAfterMs(facts.headers) });
  }
  if (status >= 500) return new HighLevelServerError(message, options);
  // 400 and 422 carry field messages (specs/highlevel/common/common-schemas.json); 413/415 (upload)
  // and other 4xx are also "fix the request".
  if (status >= 400) return new HighLevelInvalidRequestError(message, options);
  return new HighLevelInvalidResponseError(message, options);
}

/**
 * Error codes (Node net/dns, undici) that mean the request never reached the server: the
 * connection was refused or could not be opened. Anything else (reset, socket closed mid-way)
 * may have happened after HighLevel received the request.
 */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** undici wraps the system error: TypeError("fetch failed") → cause (or AggregateError.errors[]) with `code`. */
function findErrorCode(error: unknown, depth = 0): string | null {
  if (!isRecord(error) && !(error instanceof Error)) return null;
  const candidate = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof candidate.code === 'string') return candidate.code;
  if (depth > 4) return null;
  if (Array.isArray(candidate.errors) && candidate.errors.length > 0)
    return findErrorCode(candidate.errors[0], depth + 1);
  return candidate.cause === undefined ? null : findErrorCode(candidate.cause, depth + 1);
}

export interface FetchFailureFacts {
  operationId: string;
  cause: unknown;
  request: RequestCopy;
  /** True when our per-attempt timer aborted the request. */
  timedOut: boolean;
  timeoutMs: number;
}

export function errorFromFetchFailure(facts: FetchFailureFacts): HighLevelError {
  const { operationId, request } = facts;
  if (facts.timedOut) {
    const message = `HighLevel ${operationId} gave no answer within ${facts.timeoutMs} ms`;
    return new HighLevelTimeoutError(message, { operationId, request });
  }
  const code = findErrorCode(facts.cause);
  const message = `HighLevel ${operationId} could not be reached (${code ?? 'network error'})`;
  return new HighLevelNetworkError(message, {
    operationId,
    request,
    cause: facts.cause,
    requestSent: !(code && NOT_SENT_CODES.has(code)),
    causeCode: code,
  });
}
