/**
 * Turns an Accelevents webhook body into an object. Its content type is undocumented ("JSON is likely",
 * reference/accelevents-api.md §6), so JSON and form-encoded bodies are both accepted (§8.1), and a body
 * sent with no content type at all is read as JSON when it looks like JSON rather than refused.
 * Failures are answers, not exceptions: 415 for another type, 400 naming what was wrong.
 */
import { parseFormBody } from './parse-form-body.js';

export type BodyFormat = 'json' | 'form';

export type ParsedBody =
  | { ok: true; format: BodyFormat; value: Record<string, unknown> }
  | {
      ok: false;
      status: 400 | 415;
      error: 'unsupported_media_type' | 'invalid_body' | 'invalid_json';
      message: string;
    };

const JSON_TYPES = /^(application\/json|text\/json|application\/[a-z0-9.+-]+\+json)$/;
const FORM_TYPE = 'application/x-www-form-urlencoded';
const utf8 = new TextDecoder('utf-8', { fatal: true });

function formatOf(contentType: string | undefined, raw: Buffer): BodyFormat | null {
  const media = contentType?.split(';')[0]?.trim().toLowerCase();
  if (!media) {
    const first = raw.find((byte) => byte !== 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d);
    return first === 0x7b ? 'json' : null; // '{'
  }
  if (JSON_TYPES.test(media)) return 'json';
  return media === FORM_TYPE ? 'form' : null;
}

function invalid(message: string, error: 'invalid_body' | 'invalid_json' = 'invalid_body'): ParsedBody {
  return { ok: false, status: 400, error, message };
}

export function parseWebhookBody(raw: Buffer, contentType: string | undefined): ParsedBody {
  const format = formatOf(contentType, raw);
  if (format === null) {
    return {
      ok: false,
      status: 415,
      error: 'unsupported_media_type',
      message: `content-type must be application/json or ${FORM_TYPE}${contentType ? '' : ' (none was sent)'}`,
    };
  }
  if (raw.length === 0) return invalid('the body is empty; expected a JSON object or form fields');
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    return invalid('the body is not valid UTF-8');
  }
  // PostgreSQL text cannot hold NUL, and no JSON or form body needs a raw one (JSON escapes it).
  if (text.includes('\u0000')) return invalid('the body contains a NUL byte');
  if (format === 'form') {
    const value = parseFormBody(text);
    return Object.keys(value).length > 0 ? { ok: true, format, value } : invalid('the form body has no fields');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const where = error instanceof SyntaxError ? `: ${error.message.slice(0, 120)}` : '';
    return invalid(`the body is not valid JSON${where}`, 'invalid_json');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    return invalid(`the body must be a JSON object, got ${got}`, 'invalid_json');
  }
  return { ok: true, format, value: value as Record<string, unknown> };
}
