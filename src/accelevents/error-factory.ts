/**
 * The one place that turns an Accelevents answer, or a failed fetch, into an `AcceleventsError`.
 * The numeric application code wins where it is known; otherwise the HTTP status decides.
 */
import { AcceleventsError, type AcceleventsErrorCode } from './accelevents-error.js';

export interface CallFacts {
  operation: string;
  method: string;
  path: string;
  /** The API key, scrubbed from any server text in case a server echoes it. */
  apiKey: string;
}

/** App codes from https://developer.accelevents.com/reference/event-ticket-chekin and the holder-data pages. */
const APP_CODES: Record<number, { code: AcceleventsErrorCode; meaning: string }> = {
  4010101: { code: 'unauthorized', meaning: 'Not authorized' },
  4030201: { code: 'forbidden', meaning: 'Not Event Host' },
  4030101: { code: 'forbidden', meaning: 'Not Staff User' },
  4040200: { code: 'not_found', meaning: 'Event not found' },
  4060405: { code: 'not_found', meaning: 'Barcode does not exist' },
};

/**
 * Accelevents documents no error for "API access is not on your plan" (the API is for paid plans only,
 * https://support.accelevents.com/en/articles/5990834-the-accelevents-api-and-webhooks); a 401/403 whose
 * text talks about the plan, an upgrade or API access being off is read as that, so the user is told to
 * check the plan instead of the key.
 */
const PLAN_TEXT =
  /\b(plan|subscription|upgrade)\b|api (access|feature)[^.]*\b(not|disabled|unavailable)|not (enabled|available) (for|on) (your|this)/i;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Where the code sits in the body is not documented; one public client reads `code` or `errorCode`. */
export function appCodeOf(body: unknown): number | null {
  if (!isRecord(body)) return null;
  for (const field of ['errorCode', 'code']) {
    const value = Number(body[field]);
    if (Number.isInteger(value) && value >= 1_000_000 && value <= 9_999_999) return value;
  }
  return null;
}

function messageOf(body: unknown): string | null {
  if (typeof body === 'string') return body.trim() ? body.trim() : null;
  if (!isRecord(body)) return null;
  for (const field of ['message', 'errorMessage', 'responseMessage', 'error', 'developerMessage']) {
    const value = body[field];
    if (typeof value === 'string' && value.trim()) return value.trim();
  }
  return null;
}

export function scrubSecret(text: string, secret: string): string {
  return secret.length >= 4 ? text.split(secret).join('[redacted]') : text;
}

function codeForStatus(status: number): AcceleventsErrorCode {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server_error';
  if (status >= 400) return 'invalid_request';
  return 'invalid_response';
}

/** `Retry-After` in seconds or as an HTTP date (RFC 9110 §10.2.3), honoured when present. */
export function retryAfterMs(header: string | null, now: number): number | null {
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/**
 * The error an answer stands for, or null when it is a success. A 2xx whose body says
 * `{type: 'Fail'}` is a failure too: writes answer that way
 * (https://developer.accelevents.com/reference/update-ticketing-holder-attributes-data-by-barcode-id).
 */
export function errorFromResponse(
  facts: CallFacts & { status: number; body: unknown; headers: Headers; now: number },
): AcceleventsError | null {
  const { status, body } = facts;
  const failedWrite = isRecord(body) && body.type === 'Fail';
  if (status >= 200 && status < 300 && !failedWrite) return null;

  const appCode = appCodeOf(body);
  const known = appCode === null ? undefined : APP_CODES[appCode];
  const text = scrubSecret(messageOf(body) ?? known?.meaning ?? 'no message', facts.apiKey).slice(0, 300);
  let code: AcceleventsErrorCode = known?.code ?? (failedWrite ? 'invalid_request' : codeForStatus(status));
  if ((status === 401 || status === 403) && PLAN_TEXT.test(text)) code = 'plan_not_enabled';
  const detail = appCode === null ? text : `${appCode} ${text}`;
  return new AcceleventsError(code, `Accelevents ${facts.operation} answered HTTP ${status} ${code}: ${detail}`, {
    operation: facts.operation,
    method: facts.method,
    path: facts.path,
    status,
    appCode,
    retryAfterMs: status === 429 ? retryAfterMs(facts.headers.get('retry-after'), facts.now) : null,
  });
}

/** Node/undici codes that mean the request never left this machine, so even a write had no effect. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

function causeCodeOf(error: unknown, depth = 0): string | null {
  if (typeof error !== 'object' || error === null || depth > 4) return null;
  const e = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === 'string') return e.code;
  if (Array.isArray(e.errors) && e.errors.length > 0) return causeCodeOf(e.errors[0], depth + 1);
  return causeCodeOf(e.cause, depth + 1);
}

export function errorFromFetchFailure(facts: CallFacts & { cause: unknown; timedOut: boolean; timeoutMs: number }): {
  error: AcceleventsError;
  requestSent: boolean;
} {
  const base = { operation: facts.operation, method: facts.method, path: facts.path };
  if (facts.timedOut) {
    const message = `Accelevents ${facts.operation} gave no answer within ${facts.timeoutMs} ms`;
    return { error: new AcceleventsError('timeout', message, base), requestSent: true };
  }
  const causeCode = causeCodeOf(facts.cause);
  // The cause is not attached: undici messages can quote header values, and the key is one of them.
  const message = `Accelevents ${facts.operation} could not be reached (${causeCode ?? 'network error'})`;
  const error = new AcceleventsError('network_error', message, base);
  return { error, requestSent: !(causeCode && NOT_SENT_CODES.has(causeCode)) };
}
