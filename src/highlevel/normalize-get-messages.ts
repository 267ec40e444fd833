/**
 * get-messages: the spec models the answer flat ({lastMessageId, nextPage, messages[]}), the live
 * API answers wrapped ({messages: {lastMessageId, nextPage, messages[]}})
 * (https://github.com/GoHighLevel/highlevel-api-docs/issues/54, spec defect `get-messages-wrapped`).
 * Accept both, return flat.
 */
import type { components } from './generated/conversations.js';

export type GetMessagesResponse = components['schemas']['GetMessagesByConversationResponseDto'];

export type Normalized<T> = { ok: true; data: T } | { ok: false; problem: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function normalizeGetMessages(body: unknown): Normalized<GetMessagesResponse> {
  if (!isRecord(body)) return { ok: false, problem: 'expected an object with a messages list' };
  const page = isRecord(body.messages) ? body.messages : body;
  if (!Array.isArray(page.messages))
    return { ok: false, problem: 'expected `messages` to be a list (flat or wrapped)' };
  return { ok: true, data: page as unknown as GetMessagesResponse };
}
