/**
 * The one place that turns a non-2xx OAuth answer into an `OAuthError` with the right code.
 *
 * HighLevel's OAuth spec (specs/highlevel/apps/oauth.json) declares BadRequestDTO
 * `{statusCode, message}` for 400, UnauthorizedDTO for 401 and UnprocessableDTO for 422, and no OAuth
 * error codes, so the RFC 6749 §5.2 `error` field is read when present and the message is matched
 * otherwise. A 401 on the token endpoint is the client's credentials; on the agency endpoints
 * (Bearer agency token) it is that token being refused, which is `forbidden`, not a client problem.
 */
import { parseRetryAfterMs } from '../rate-limit-headers.js';
import { OAuthError, type OAuthOperation } from './oauth-error.js';
import type { OAuthErrorCode } from './token-client-types.js';

export interface OAuthAnswer {
  operationId: OAuthOperation;
  status: number;
  /** Parsed JSON, the text when not JSON, or undefined when empty. */
  body: unknown;
  headers: Headers;
  /** Everything secret the request carried (client secret, code, tokens): scrubbed from messages. */
  secrets: string[];
}

/** "The refresh token is invalid or was already used", "Invalid grant: code expired", … */
const REJECTED_GRANT =
  /invalid[_ ]grant|\b(refresh[_ ]token|authori[sz]ation code|code)\b.*\b(invalid|expired|revoked|used)\b|\b(invalid|expired|revoked)\b.*\b(refresh[_ ]token|authori[sz]ation code)\b/i;

const MAX_MESSAGE = 300;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeBody(body: unknown): string {
  if (typeof body === 'string') return body.trim();
  if (!isRecord(body)) return '';
  const parts: string[] = [];
  if (typeof body.error === 'string') parts.push(body.error);
  const description = body.error_description ?? body.message;
  if (typeof description === 'string') parts.push(description);
  else if (Array.isArray(description)) parts.push(description.map(String).join('; '));
  return [...new Set(parts)].join(': ');
}

/** Replaces every secret of the request that a server might echo (8+ characters, to not blank out words). */
export function scrubSecrets(text: string, secrets: string[]): string {
  return secrets.filter((s) => s.length >= 8).reduce((out, secret) => out.split(secret).join('[redacted]'), text);
}

function codeFor(answer: OAuthAnswer, text: string): OAuthErrorCode {
  const { status, body, operationId } = answer;
  const error = isRecord(body) && typeof body.error === 'string' ? body.error : null;
  if (error === 'invalid_grant') return 'invalid_grant';
  if (error === 'invalid_client' || error === 'unauthorized_client') return 'invalid_client';
  if (status === 400 && operationId === 'get-access-token' && REJECTED_GRANT.test(text)) return 'invalid_grant';
  if (status === 401) return operationId === 'get-access-token' ? 'invalid_client' : 'forbidden';
  if (status === 403) return 'forbidden';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server_error';
  if (status >= 400) return 'invalid_request';
  return 'invalid_response';
}

const ADVICE: Partial<Record<OAuthErrorCode, string>> = {
  invalid_grant: 'the grant is used, revoked or expired; reconnect',
  invalid_client: 'check the HighLevel client id and HIGHLEVEL_CLIENT_SECRET',
  forbidden: 'the agency token was refused or lacks the oauth.* scope',
};

export function oauthErrorFromResponse(answer: OAuthAnswer): OAuthError {
  const raw = describeBody(answer.body);
  const text = scrubSecrets(raw, answer.secrets).slice(0, MAX_MESSAGE) || 'no message';
  const code = codeFor(answer, raw);
  const advice = ADVICE[code];
  const message =
    `HighLevel ${answer.operationId} answered HTTP ${answer.status} (${code}): ${text}` +
    (advice ? ` (${advice})` : '');
  const traceId = isRecord(answer.body) && typeof answer.body.traceId === 'string' ? answer.body.traceId : null;
  return new OAuthError(code, message, {
    operationId: answer.operationId,
    status: answer.status,
    traceId,
    retryAfterMs: answer.status === 429 ? parseRetryAfterMs(answer.headers) : null,
  });
}
