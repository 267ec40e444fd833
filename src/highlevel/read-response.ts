/**
 * Reads a response body the way the operation promises it (`responseKind` from the catalog):
 * JSON, a binary download (recording: audio/x-wav), or text (transcription download), then applies
 * the tolerant normalisations for known live deviations (docs/highlevel-api.md).
 */
import type { DownloadInfo } from './client-types.js';
import type { Normalized } from './normalize-get-messages.js';
import { normalizeGetMessages } from './normalize-get-messages.js';
import { normalizeTranscription } from './normalize-transcription.js';
import type { OperationDescriptor } from './operation-descriptor.js';

const NORMALIZERS: Record<string, (body: unknown) => Normalized<unknown>> = {
  'get-messages': normalizeGetMessages,
  'get-message-transcription': normalizeTranscription,
};

/** `filename*=UTF-8''…` (RFC 6266) wins over `filename="…"` or `filename=…`. */
export function filenameFromContentDisposition(header: string | null): string | null {
  if (!header) return null;
  const extended = /filename\*\s*=\s*[^']*'[^']*'([^;]+)/i.exec(header);
  if (extended?.[1]) {
    try {
      return decodeURIComponent(extended[1].trim());
    } catch {
      // fall through to the plain form
    }
  }
  const plain = /filename\s*=\s*(?:"([^"]*)"|([^;]+))/i.exec(header);
  const name = plain?.[1] ?? plain?.[2]?.trim();
  return name ? name : null;
}

/** For error bodies: JSON when it parses, else the text, else undefined. */
export function parseLenient(bytes: Buffer): unknown {
  const text = bytes.toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export type SuccessBody = { ok: true; data: unknown; download?: DownloadInfo } | { ok: false; problem: string };

export function readSuccessBody(op: OperationDescriptor, bytes: Buffer, headers: Headers): SuccessBody {
  if (op.responseKind === 'binary' || op.responseKind === 'text') {
    const contentType = headers.get('content-type');
    const download = { contentType, filename: filenameFromContentDisposition(headers.get('content-disposition')) };
    if (op.responseKind === 'binary') return { ok: true, data: bytes, download };
    return { ok: true, data: bytes.toString('utf8'), download };
  }

  const text = bytes.toString('utf8');
  if (text.trim() === '') return { ok: true, data: null };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // The spec promises nothing for 'unspecified' operations: keep what came.
    if (op.responseKind === 'unspecified') return { ok: true, data: text };
    return { ok: false, problem: `expected JSON, got ${headers.get('content-type') ?? 'no content type'}` };
  }
  const normalize = NORMALIZERS[op.operationId];
  return normalize ? normalize(parsed) : { ok: true, data: parsed };
}
