/**
 * Dedupe keys for inbox rows. Accelevents documents no retries or delivery ids (reference/
 * accelevents-api.md §6, §8.3), so in order of trust: a delivery-id header when one is configured;
 * else `topic + (barcode | ticket id | order id | email) + status`, the key §8.3 suggests; else the
 * SHA-256 of the raw body, which still catches byte-identical redeliveries. Keys are bounded (a unique
 * index entry has a size limit on PostgreSQL), so a long one is replaced by its hash.
 */
import { createHash } from 'node:crypto';
import type { HeaderBag, MappedPayload } from './map-payload.js';

export const MAX_DEDUPE_KEY_LENGTH = 200;

export type DedupeBasis = 'header' | 'fields' | 'body';

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** `prefix:value`, or `prefix-sha256:<hex>` when that would be too long. */
export function boundedKey(prefix: string, value: string): string {
  const key = `${prefix}:${value}`;
  return key.length <= MAX_DEDUPE_KEY_LENGTH ? key : `${prefix}-sha256:${sha256(value)}`;
}

export function bodyKey(rawBody: Buffer): string {
  return `body-sha256:${sha256(rawBody)}`;
}

export function acceleventsDedupeKey(input: {
  mapped: MappedPayload;
  headers: HeaderBag;
  rawBody: Buffer;
  deliveryIdHeader: string | null;
}): { key: string; basis: DedupeBasis } {
  const { mapped, headers, deliveryIdHeader } = input;
  if (deliveryIdHeader) {
    const raw = headers[deliveryIdHeader];
    const id = (Array.isArray(raw) ? raw[0] : raw)?.trim();
    if (id) return { key: boundedKey('header', id), basis: 'header' };
  }
  const { fields, topic } = mapped;
  const subject: [string, string | null][] = [
    ['attendee', fields.attendeeId],
    ['ticket', fields.ticketId],
    ['order', fields.orderId],
    ['email', fields.email?.toLowerCase() ?? null],
  ];
  const found = subject.find(([, value]) => value !== null);
  if (topic !== null && found) {
    const [name, value] = found;
    return { key: boundedKey('fields', `${topic}|${name}=${value}|status=${fields.status ?? ''}`), basis: 'fields' };
  }
  return { key: bodyKey(input.rawBody), basis: 'body' };
}
