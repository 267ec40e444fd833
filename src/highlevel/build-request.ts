/**
 * Turns an operation plus the caller's input into URL, headers and body, and rejects incomplete
 * input before anything is sent. Pure apart from building a fresh body per attempt.
 */
import type { CallInput } from './client-types.js';
import { HighLevelInvalidCallError } from './errors.js';
import type { OperationDescriptor } from './operation-descriptor.js';

/**
 * The conversations API version (specs/highlevel/apps/conversations.json;
 * https://marketplace.gohighlevel.com/docs/Versioning). Also sent on the two operations
 * whose spec declares no Version header (spec defect `missing-version-header`).
 */
export const CONVERSATIONS_API_VERSION = '2021-04-15';

/** The multipart key HighLevel's upload description names for files (spec defect `upload-file-attachment-key`). */
export const FILE_FIELD = 'fileAttachment';

/** The OAuth token endpoints take form bodies (specs/highlevel/apps/oauth.json). */
const FORM_URLENCODED = 'application/x-www-form-urlencoded';

export interface PreparedCall {
  method: string;
  url: string;
  locationId: string | null;
  /** Builds the body anew for every attempt (a FormData stream cannot be sent twice). */
  body(): { payload: string | FormData | undefined; contentType: string | null };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isMissing(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

function missing(op: OperationDescriptor, parameter: string, place: 'path' | 'query' | 'body'): never {
  const what = place === 'body' ? 'a request body' : `the required ${place} parameter "${parameter}"`;
  throw new HighLevelInvalidCallError(`HighLevel ${op.operationId} needs ${what}; nothing was sent`, {
    operationId: op.operationId,
    parameter,
    place,
  });
}

function scalar(value: unknown): string {
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function buildPath(op: OperationDescriptor, params: Record<string, unknown>): string {
  // Read names from the template too: two spec paths use {id} without declaring it (defect `missing-id-path-param`).
  return op.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = params[name];
    if (isMissing(value)) missing(op, name, 'path');
    return encodeURIComponent(scalar(value));
  });
}

function buildQuery(op: OperationDescriptor, query: Record<string, unknown>): string {
  for (const param of op.queryParams)
    if (param.required && isMissing(query[param.name])) missing(op, param.name, 'query');
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== undefined && item !== null) search.append(name, scalar(item));
    }
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

function buildFormData(fields: Record<string, unknown>, input: CallInput): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined || value === null) continue;
    // attachmentUrls (string[]) goes as repeated fields, the usual multipart encoding of an array.
    for (const item of Array.isArray(value) ? value : [value]) form.append(name, scalar(item));
  }
  for (const file of input.files ?? []) {
    const blob = file.data instanceof Blob ? file.data : new Blob([file.data], { type: file.contentType ?? '' });
    form.append(FILE_FIELD, blob, file.name);
  }
  return form;
}

function resolveLocationId(input: CallInput): string | null {
  const candidates = [input.locationId, input.path?.locationId, input.query?.locationId];
  if (isRecord(input.body)) candidates.push(input.body.locationId);
  const found = candidates.find((value) => typeof value === 'string' && value !== '');
  return typeof found === 'string' ? found : null;
}

export function prepareCall(op: OperationDescriptor, input: CallInput, baseUrl: string): PreparedCall {
  const url = baseUrl.replace(/\/+$/, '') + buildPath(op, input.path ?? {}) + buildQuery(op, input.query ?? {});
  const hasFiles = (input.files?.length ?? 0) > 0;
  if (op.bodyRequired && input.body === undefined && !hasFiles) missing(op, 'body', 'body');
  if (op.bodyContentType === null && (input.body !== undefined || hasFiles)) {
    throw new HighLevelInvalidCallError(`HighLevel ${op.operationId} takes no request body`, {
      operationId: op.operationId,
      parameter: 'body',
      place: 'body',
    });
  }
  const multipart = op.bodyContentType === 'multipart/form-data';
  if (multipart && input.body !== undefined && !isRecord(input.body)) {
    throw new HighLevelInvalidCallError(`HighLevel ${op.operationId} expects the body as an object of form fields`, {
      operationId: op.operationId,
      parameter: 'body',
      place: 'body',
    });
  }
  return {
    method: op.method,
    url,
    locationId: resolveLocationId(input),
    body: () => {
      if (multipart)
        return { payload: buildFormData((input.body as Record<string, unknown>) ?? {}, input), contentType: null };
      if (input.body === undefined) return { payload: undefined, contentType: null };
      if (op.bodyContentType === FORM_URLENCODED && isRecord(input.body)) {
        const form = new URLSearchParams(Object.entries(input.body).map(([k, v]): [string, string] => [k, scalar(v)]));
        return { payload: form.toString(), contentType: FORM_URLENCODED };
      }
      return { payload: JSON.stringify(input.body), contentType: 'application/json' };
    },
  };
}

export function buildHeaders(
  op: OperationDescriptor,
  token: string,
  contentType: string | null,
): Record<string, string> {
  const headers: Record<string, string> = {
    authorization: `Bearer ${token}`,
    version: op.version ?? CONVERSATIONS_API_VERSION,
    accept: 'application/json',
  };
  // multipart: fetch sets Content-Type with its boundary itself.
  if (contentType) headers['content-type'] = contentType;
  return headers;
}
