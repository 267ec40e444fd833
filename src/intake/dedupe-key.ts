/**
 * Dedupe keys for inbox rows, one per person and event. Accelevents documents no retries or delivery
 * ids (docs/accelevents-assumptions.md), so in order of trust: a delivery-id header when one is
 * configured (with the person's place in the delivery); else `topic + event + (attendee id | ticket id
 * | email) + status`; else the SHA-256 of the raw record, which still catches byte-identical
 * redeliveries. Keys are bounded (a unique index entry has a size limit on PostgreSQL), so a long one
 * is replaced by its hash.
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

/** A string is hashed as its UTF-8 bytes, the same digest as the Buffer it was decoded from. */
export function bodyKey(rawBody: Buffer | string): string {
  return `body-sha256:${sha256(rawBody)}`;
}

export function acceleventsDedupeKey(input: {
  mapped: MappedPayload;
  headers: HeaderBag;
  /** The record as received; hashed only when neither a header nor the fields identify the person. */
  rawBody: Buffer | string;
  deliveryIdHeader: string | null;
  /** Which record and person of a delivery this is (`0/attendees[1]`), when it names more than one. */
  part?: string | null;
}): { key: string; basis: DedupeBasis } {
  const { mapped, headers, deliveryIdHeader } = input;
  const part = input.part ? `#${input.part}` : '';
  if (deliveryIdHeader) {
    const raw = headers[deliveryIdHeader];
    const id = (Array.isArray(raw) ? raw[0] : raw)?.trim();
    if (id) return { key: boundedKey('header', `${id}${part}`), basis: 'header' };
  }
  const { fields, topic } = mapped;
  // The person, never an order: holders of one order share its id but are different people.
  const subject: [string, string | null][] = [
    ['attendee', fields.attendeeId],
    ['ticket', fields.ticketId],
    ['email', fields.email?.toLowerCase() ?? null],
  ];
  const found = subject.find(([, value]) => value !== null);
  if (topic !== null && found) {
    const [name, value] = found;
    const event = fields.eventUrl ?? fields.eventId ?? '';
    const session = topic === 'session_check_in' ? `|session=${fields.sessionId ?? ''}` : '';
    return {
      key: boundedKey('fields', `${topic}|event=${event}|${name}=${value}${session}|status=${fields.status ?? ''}`),
      basis: 'fields',
    };
  }
  return { key: `${bodyKey(input.rawBody)}${part}`, basis: 'body' };
}
