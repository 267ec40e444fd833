/**
 * Turns an Accelevents webhook body into records. Accelevents documents neither its content type nor
 * its batching (docs/accelevents-assumptions.md), so:
 * - a body that is JSON is read as JSON whatever the content type says (`text/plain`, none, or a
 *   wrong one): refusing it would lose a registration over a header;
 * - a top-level JSON array is a batch: each element is one record;
 * - form-encoded bodies are read as forms;
 * - anything else is a 415 naming what was expected.
 * Failures are answers, not exceptions: 415 for another type, 400 naming what was wrong.
 */
import { parseFormBody } from './parse-form-body.js';

export type BodyFormat = 'json' | 'json-array' | 'form';

/** One delivery can carry at most this many records (a top-level array); more is refused with 400. */
export const MAX_RECORDS = 1000;

export type ParsedBody =
  /** `text`: the body decoded once, as UTF-8, for whoever stores it. */
  | { ok: true; format: BodyFormat; records: Record<string, unknown>[]; text: string }
  | {
      ok: false;
      status: 400 | 415;
      error: 'unsupported_media_type' | 'invalid_body' | 'invalid_json';
      message: string;
    };

const JSON_TYPES = /^(application\/json|text\/json|application\/[a-z0-9.+-]+\+json)$/;
const FORM_TYPE = 'application/x-www-form-urlencoded';
const utf8 = new TextDecoder('utf-8', { fatal: true });

function invalid(message: string, error: 'invalid_body' | 'invalid_json' = 'invalid_body'): ParsedBody {
  return { ok: false, status: 400, error, message };
}

/** Whitespace as `trimStart` sees it. */
const SPACE = /\s/;

/** The first character that is not whitespace is `{` or `[` (checked without a trimmed copy of the body). */
function looksLikeJson(text: string): boolean {
  for (const char of text) {
    if (char === '{' || char === '[') return true;
    if (!SPACE.test(char)) return false;
  }
  return false;
}

function kindOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(text: string): ParsedBody {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const where = error instanceof SyntaxError ? `: ${error.message.slice(0, 120)}` : '';
    return invalid(`the body is not valid JSON${where}`, 'invalid_json');
  }
  if (isRecord(value)) return { ok: true, format: 'json', records: [value], text };
  if (!Array.isArray(value)) {
    return invalid(`the body must be a JSON object or an array of objects, got ${kindOf(value)}`, 'invalid_json');
  }
  if (value.length === 0) return invalid('the body is an empty array; expected at least one record', 'invalid_json');
  if (value.length > MAX_RECORDS) {
    return invalid(`the body holds ${value.length} records; at most ${MAX_RECORDS} are accepted in one delivery`);
  }
  const bad = value.findIndex((item) => !isRecord(item));
  if (bad >= 0) {
    return invalid(`record [${bad}] of the body must be a JSON object, got ${kindOf(value[bad])}`, 'invalid_json');
  }
  return { ok: true, format: 'json-array', records: value as Record<string, unknown>[], text };
}

export function parseWebhookBody(raw: Buffer, contentType: string | undefined): ParsedBody {
  const media = contentType?.split(';')[0]?.trim().toLowerCase() || null;
  if (raw.length === 0) return invalid('the body is empty; expected a JSON object or form fields');
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    return invalid('the body is not valid UTF-8');
  }
  // PostgreSQL text cannot hold NUL, and no JSON or form body needs a raw one (JSON escapes it).
  if (text.includes('\u0000')) return invalid('the body contains a NUL byte');
  if (looksLikeJson(text) || (media !== null && JSON_TYPES.test(media))) return parseJson(text);
  if (media === FORM_TYPE) {
    const value = parseFormBody(text);
    return Object.keys(value).length > 0
      ? { ok: true, format: 'form', records: [value], text }
      : invalid('the form body has no fields');
  }
  return {
    ok: false,
    status: 415,
    error: 'unsupported_media_type',
    message: `expected a JSON body (any content type) or ${FORM_TYPE}; got ${media ? `${media} that is not JSON` : 'no content type and a body that is not JSON'}`,
  };
}
