/**
 * get-message-transcription: the published spec models one sentence object although
 * `sentenceIndex` implies a list (spec defect `transcription-single-object`). Our patched spec says
 * array; accept a single object too and always return an array.
 */
import type { components } from './generated/conversations.js';
import type { Normalized } from './normalize-get-messages.js';

export type TranscriptionSentence = components['schemas']['GetMessageTranscriptionResponseDto'];

export function normalizeTranscription(body: unknown): Normalized<TranscriptionSentence[]> {
  if (Array.isArray(body)) return { ok: true, data: body as TranscriptionSentence[] };
  if (typeof body === 'object' && body !== null) return { ok: true, data: [body as TranscriptionSentence] };
  return { ok: false, problem: 'expected a list of transcription sentences or one sentence object' };
}
